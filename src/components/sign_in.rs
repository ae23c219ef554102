use leptos::prelude::*;

use crate::api::request::sign_in_url;
use crate::browser;
use crate::components::later::LaterView;
use crate::components::{text, texts, use_lang, use_store};
use crate::config::Config;
use crate::parts::LaterParts;

/// What a signed-out student sees first when the widget knows where to sign
/// in (the gateway's `/auth/login`): not an error, an invitation. The page's
/// address goes along as `return`, so the student comes back here. Where
/// the gateway serves many universities and this address fixes none
/// (`choose`), the student first picks theirs (the picker's part).
#[component]
pub fn SignIn(login_url: String, choose: bool) -> impl IntoView {
    let lang = use_lang();
    let href = sign_in_url(&login_url, browser::page_url().as_deref());
    let parts = expect_context::<LaterParts>();
    view! {
        <div class="mlg-sign-in" data-test="sign-in">
            <p>{text(lang, |t| t.sign_in_prompt)}</p>
            {if choose {
                view! { <LaterView part=parts.picker/> }.into_any()
            } else {
                view! { <a class="mlg-button" data-test="log-in" href=href>{text(lang, |t| t.log_in)}</a> }
                    .into_any()
            }}
        </div>
    }
}

/// "Wyloguj", in the header while a student signed in through the gateway
/// sees their data (`data-logout-url`).
#[component]
pub fn SignOutButton() -> impl IntoView {
    let lang = use_lang();
    let store = use_store();
    let logout_url = expect_context::<Config>().logout_url;
    let signed_in = Memo::new(move |_| store.mcard.with(Option::is_some));
    move || {
        let url = logout_url.clone()?;
        signed_in.get().then(|| {
            view! {
                <button
                    type="button"
                    class="mlg-button mlg-button--secondary mlg-button--small"
                    data-test="sign-out"
                    aria-busy=move || store.signing_out.get().to_string()
                    on:click=move |_| store.sign_out(url.clone())
                >
                    {move || {
                        let t = texts(lang);
                        if store.signing_out.get() { t.signing_out } else { t.sign_out }
                    }}
                </button>
            }
        })
    }
}
