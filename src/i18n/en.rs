//! English.

use super::{ProblemTexts, StatusTexts, Texts};

pub const TEXTS: Texts = Texts {
    language_name: "English",
    language_switch: "Language",
    heading: "mLegitymacja order",
    loading: "Loading…",
    unsupported: "Your university does not issue mLegitymacja through USOS. Ask your dean's office how to get a student ID.",
    cannot_order_lead: "You cannot order an mLegitymacja for the following reason:",
    can_order: "You meet the conditions for ordering an mLegitymacja.",
    planned_expiry: "Planned expiry date of the mLegitymacja:",
    order_data: "Order details",
    status: "Status:",
    order_date: "Order date:",
    expiry: "Expiry date:",
    order_button: "Order mLegitymacja",
    retry: "Try again",
    statuses: StatusTexts {
        pending: ("Pending", "You placed the order; the university has not yet passed it to the ministry's (MC) system."),
        in_progress: ("In progress", "The order has been passed on and is being processed by the MC system."),
        ready: ("Ready to collect", "You can add the mLegitymacja to the mObywatel app."),
        received: ("Collected", "You added the mLegitymacja to the mObywatel app."),
        error: ("Error", "The MC system failed to process the order."),
        cancelled: ("Cancelled by you", "You cancelled the order or the mLegitymacja."),
        revoked: ("Revoked by the university", "The university revoked the order or the mLegitymacja because you lost the right to it."),
    },
    problems: ProblemTexts {
        offline: ("No connection to USOS.", "Check your internet connection — we will try again when it is back."),
        timeout: ("USOS did not answer in time.", "The server may be overloaded. Try again in a moment."),
        session_expired: ("Your session has expired — please log in again.", "Log in to USOSweb and come back to this page."),
        forbidden: ("USOS does not let you do this.", "If you think this is a mistake, contact your university's IT help."),
        not_found: ("This order was not found.", "Refresh your orders and try again."),
        busy: ("USOS is overloaded right now.", "We will try again shortly — you do not need to do anything."),
        server: ("USOS is temporarily unavailable.", "Try again in a few minutes."),
        not_json: ("USOS answered in an unexpected way.", "There may be maintenance going on, or you may need to log in. Try again in a moment."),
        unexpected: ("The answer from USOS has an unexpected form.", "Try again later. If it keeps happening, tell your university's IT help."),
        rejected: ("USOS rejected this request.", "Refresh your orders and try again."),
    },
};
