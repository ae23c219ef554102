//! `/demo/usosweb.html`: a page that looks like USOSweb and carries hostile
//! global CSS, with the widget embedded the way a university would embed it.
//!
//! The widget's settings can be tried from the address: every query argument
//! named like a setting (`api-base`, `lang`, `polling`, …) becomes that
//! `data-…` attribute; `page-lang` sets the page's `<html lang>`;
//! `no-api-base` leaves the API base out, `widget=off` shows the page
//! without the widget (to compare the page's own styles), and `widgets=2`
//! (up to 3) puts that many widgets on it, as a portal page with more than
//! one might.

use crate::html::escape;
use axum::extract::RawQuery;
use axum::http::header;
use axum::response::{IntoResponse, Response};

const PAGE: &str = include_str!("../demo/usosweb.html");
const STYLESHEET: &str = include_str!("../demo/usosweb.css");
const LOGIN_STYLESHEET: &str = include_str!("../demo/usos-login.css");
const FLOOR_PAGE: &str = include_str!("../demo/floor.html");
const FLOOR_SCRIPT: &str = include_str!("../demo/floor.js");

/// The settings the widget reads, without their `data-` prefix.
const SETTINGS: [&str; 17] = [
    "api-base",
    "lang",
    "credentials",
    "csrf-header",
    "csrf-value",
    "csrf-meta",
    "help-name-pl",
    "help-name-en",
    "help-name-uk",
    "help-email",
    "login-url",
    "logout-url",
    "status-codes",
    "polling",
    "poll-interval-ms",
    "routing",
    "theme",
];

pub async fn page(RawQuery(query): RawQuery) -> Response {
    let html = render(query.as_deref().unwrap_or_default());
    (
        [(header::CACHE_CONTROL, "no-cache")],
        axum::response::Html(html),
    )
        .into_response()
}

pub async fn stylesheet() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        STYLESHEET,
    )
        .into_response()
}

/// The look of the OAuth sign-in page (`services/oauth/authorize`).
pub async fn login_stylesheet() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        LOGIN_STYLESHEET,
    )
        .into_response()
}

/// `/demo/floor.html`: the benchmark's floor, plain HTML that shows the status.
pub async fn floor_page() -> Response {
    axum::response::Html(FLOOR_PAGE).into_response()
}

pub async fn floor_script() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        FLOOR_SCRIPT,
    )
        .into_response()
}

/// The page with the widget configured from `query`.
pub fn render(query: &str) -> String {
    let args: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let has = |name: &str| args.iter().any(|(k, _)| k == name);
    if args.iter().any(|(k, v)| k == "widget" && v == "off") {
        return PAGE.replace("<!--WIDGET-->", "");
    }
    let mut attributes = String::new();
    if !has("api-base") && !has("no-api-base") {
        attributes.push_str(" data-api-base=\"/\"");
    }
    for (name, value) in &args {
        if SETTINGS.contains(&name.as_str()) {
            attributes.push_str(&format!(" data-{name}=\"{}\"", escape(value)));
        }
    }
    let count = args
        .iter()
        .find(|(k, _)| k == "widgets")
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(1)
        .clamp(1, 3);
    let slot = format!("<div class=\"widget-slot\" data-mlegitymacja{attributes}></div>\n      ");
    let widget = format!(
        "{}<script type=\"module\" src=\"/widget.js\"></script>",
        slot.repeat(count)
    );
    let page = match args.iter().find(|(k, _)| k == "page-lang") {
        // The host page's own language, which the widget follows when it
        // has no `data-lang`.
        Some((_, lang)) => PAGE.replacen(
            "<html lang=\"pl\">",
            &format!("<html lang=\"{}\">", escape(lang)),
            1,
        ),
        None => PAGE.to_owned(),
    };
    page.replace("<!--WIDGET-->", &widget)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_come_from_the_query_and_are_escaped() {
        let page = render("lang=en&polling=off&login-url=%2Flogin%3Fa%3D1%26b%3D%22x%22&bogus=1");
        assert!(page.contains(
            r#"data-mlegitymacja data-api-base="/" data-lang="en" data-polling="off" data-login-url="/login?a=1&amp;b=&quot;x&quot;""#
        ));
        assert!(!page.contains("bogus"));
        assert!(page.contains(r#"<script type="module" src="/widget.js"></script>"#));
    }

    #[test]
    fn a_page_may_hold_up_to_three_widgets() {
        let slots = |query: &str| render(query).matches("<div class=\"widget-slot\"").count();
        assert_eq!(slots(""), 1);
        assert_eq!(slots("widgets=2"), 2);
        assert_eq!(slots("widgets=9"), 3);
        assert_eq!(slots("widgets=x"), 1);
        assert_eq!(render("widgets=2").matches("widget.js").count(), 1);
    }

    #[test]
    fn the_api_base_can_be_left_out_and_the_widget_too() {
        assert!(
            render("no-api-base").contains("<div class=\"widget-slot\" data-mlegitymacja></div>")
        );
        let plain = render("widget=off");
        assert!(!plain.contains("data-mlegitymacja") && !plain.contains("widget.js"));
        assert!(plain.contains("DLA STUDENTÓW") && plain.contains("MOJE STUDIA"));
    }
}
