use leptos::prelude::*;

use crate::components::eligibility::Eligibility;
use crate::components::history::History;
use crate::components::order_card::OrderCard;
use crate::components::problem_notice::ProblemNotice;
use crate::components::sign_in::SignIn;
use crate::components::status_announcer::StatusAnnouncer;
use crate::components::{keep_last, text, texts, use_lang, use_store};
use crate::config::Config;
use crate::domain::overview::Overview;
use crate::store::{Notice, Support};

/// "Zamówienie mLegitymacji": what just happened, what went wrong, the
/// newest order, whether the student may order, and earlier orders.
#[component]
pub fn OrderPanel() -> impl IntoView {
    let lang = use_lang();
    let store = use_store();
    let overview = Memo::new(move |_| store.mcard.with(|m| m.as_ref().map(Overview::of)));
    // Each part is rebuilt only when what it depends on changes, not on
    // every poll.
    let current_id = Memo::new(move |_| {
        overview.with(|o| {
            o.as_ref()
                .and_then(|o| o.current.as_ref().map(|c| c.id.clone()))
        })
    });
    let eligibility = Memo::new(move |_| {
        overview.with(|o| {
            o.as_ref()
                .filter(|o| o.shows_eligibility())
                .map(|o| o.may_order_next_card)
        })
    });
    let has_problem = Memo::new(move |_| store.problem.with(Option::is_some));
    let mcard_shown = Memo::new(move |_| store.mcard.get().is_some());
    let login_url = expect_context::<Config>().login_url;
    // Nothing of the student's is known and USOS wants them to sign in:
    // with a sign-in address, that is an invitation, not an error.
    let has_login = login_url.is_some();
    let signed_out = Memo::new(move |_| {
        has_login
            && !mcard_shown.get()
            && store
                .problem
                .with(|p| p.as_ref().is_some_and(|p| p.is_session_expired()))
    });
    let notice = move || {
        let t = texts(lang);
        store.notice.get().map(|n| match n {
            Notice::Ordered => t.ordered,
            Notice::StatusUpdated => t.status_updated,
            Notice::OrderCancelled => t.order_cancelled,
            Notice::CardCancelled => t.card_cancelled,
            Notice::SignedOut => t.signed_out,
        })
    };
    view! {
        <section class="mlg-panel" aria-labelledby="mlg-panel-title">
            <h2 class="mlg-panel__heading" id="mlg-panel-title">{text(lang, |t| t.heading)}</h2>
            <p class="mlg-notice" role="status" data-test="notice">{notice}</p>
            <StatusAnnouncer/>
            // Built once per spell of trouble, so that screen readers hear
            // the alert once, not on every failed retry.
            {move || {
                if !has_problem.get() {
                    return None;
                }
                if signed_out.get() {
                    let login_url = login_url.clone()?;
                    let choose = store.problem.with_untracked(|p| {
                        p.as_ref().is_some_and(|p| p.asks_to_choose_installation())
                    });
                    return Some(view! { <SignIn login_url choose/> }.into_any());
                }
                let problem = keep_last(store.problem.get_untracked()?, move || store.problem.get());
                Some(view! { <ProblemNotice problem/> }.into_any())
            }}
            {move || match store.support.get() {
                Support::NotOffered => view! {
                    <p class="mlg-unsupported" data-test="unsupported">{text(lang, |t| t.unsupported)}</p>
                }
                .into_any(),
                _ if !mcard_shown.get() && store.problem.get().is_none() => view! {
                    <p class="mlg-loading" data-test="loading">{text(lang, |t| t.loading)}</p>
                }
                .into_any(),
                _ => ().into_any(),
            }}
            {move || {
                current_id.get()?;
                let current = move || overview.with(|o| o.as_ref().and_then(|o| o.current.clone()));
                let order = keep_last(current()?, current);
                let may_cancel = Signal::derive(move || {
                    overview.with(|o| o.as_ref().is_some_and(|o| o.may_cancel))
                });
                Some(view! { <OrderCard order may_cancel/> })
            }}
            {move || {
                let next_card = eligibility.get()?;
                let mcard = keep_last(store.mcard.get_untracked()?, move || store.mcard.get());
                Some(view! { <Eligibility mcard next_card/> })
            }}
            <History orders=Signal::derive(move || {
                overview.with(|o| o.as_ref().map(|o| o.earlier.clone()).unwrap_or_default())
            })/>
        </section>
    }
}
