//! One USOS API installation, as the gateway calls it: one HTTP client (its
//! connections kept alive and reused), every call signed with the
//! application's key there and, where there is one, the student's token.

use axum::body::Bytes;
use axum::http::{HeaderValue, Method, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use url::Url;

use crate::error::GatewayError;
use crate::session::Session;
use crate::signing::{self, Extras, Pair};

/// What USOS answered to a forwarded call: its status and JSON body.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub body: Bytes,
    pub retry_after: Option<HeaderValue>,
}

/// A token pair as USOS's OAuth methods hand it out.
pub struct Tokens {
    pub token: String,
    pub secret: String,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Tokens([redacted])")
    }
}

/// The installation and the application's credentials for it.
pub struct Usos {
    base: Url,
    client: reqwest::Client,
    consumer_key: String,
    consumer_secret: SecretString,
}

impl Usos {
    /// The installation at `base` (ending with `/`), as the application
    /// `consumer_key` there; each call may take `timeout`.
    pub fn new(
        base: &Url,
        consumer_key: &str,
        consumer_secret: &str,
        timeout: std::time::Duration,
    ) -> Result<Usos, String> {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(std::time::Duration::from_secs(3)))
            .pool_idle_timeout(std::time::Duration::from_secs(60))
            .tcp_keepalive(std::time::Duration::from_secs(30))
            // A redirect from USOS is a login or error page, never data.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("usos-gateway/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        Ok(Usos {
            base: base.clone(),
            client,
            consumer_key: consumer_key.to_owned(),
            consumer_secret: SecretString::from(consumer_secret.to_owned()),
        })
    }

    /// Forwards `services/…` with `args`, signed; GET sends them in the query,
    /// POST in a form body. Sent once: never retried here.
    pub async fn call(
        &self,
        method: &Method,
        path: &str,
        args: &[(String, String)],
        session: Option<&Session>,
    ) -> Result<Answer, GatewayError> {
        let mut target = self.url(path);
        let token = session.map(|s| Pair {
            key: &s.token,
            secret: &s.secret,
        });
        let post = *method == Method::POST;
        let authorization = signing::authorization(
            if post { "POST" } else { "GET" },
            target.as_str(),
            args,
            self.consumer(),
            token,
            Extras::default(),
        );
        let encoded = signing::encode(args);
        let request = if post {
            self.client
                .post(target)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(encoded)
        } else {
            target.set_query((!encoded.is_empty()).then_some(encoded.as_str()));
            self.client.get(target)
        };
        let response = request
            .header("authorization", authorization)
            .header("accept", "application/json")
            .send()
            .await
            .map_err(transport)?;
        let status = response.status();
        let retry_after = response.headers().get("retry-after").cloned();
        let body = response.bytes().await.map_err(transport)?;
        if serde_json::from_slice::<serde::de::IgnoredAny>(&body).is_err() {
            return Err(GatewayError::UpstreamNotJson);
        }
        Ok(Answer {
            status,
            body,
            retry_after,
        })
    }

    /// `services/oauth/request_token`: a request token for `callback`.
    pub async fn request_token(
        &self,
        callback: &str,
        scopes: &str,
    ) -> Result<Tokens, GatewayError> {
        let args = vec![("scopes".to_owned(), scopes.to_owned())];
        self.token_call(
            "services/oauth/request_token",
            &args,
            None,
            Extras {
                callback: Some(callback),
                ..Extras::default()
            },
        )
        .await
    }

    /// `services/oauth/access_token`: the student approved; trade the
    /// request token and the verifier for an access token.
    pub async fn access_token(
        &self,
        request: &Tokens,
        verifier: &str,
    ) -> Result<Tokens, GatewayError> {
        self.token_call(
            "services/oauth/access_token",
            &[],
            Some(Pair {
                key: &request.token,
                secret: &request.secret,
            }),
            Extras {
                verifier: Some(verifier),
                ..Extras::default()
            },
        )
        .await
    }

    /// `services/oauth/revoke_token`: the access token stops working.
    pub async fn revoke_token(&self, session: &Session) -> Result<(), GatewayError> {
        let answer = self
            .call(
                &Method::POST,
                "services/oauth/revoke_token",
                &[],
                Some(session),
            )
            .await?;
        if answer.status.is_success() {
            Ok(())
        } else {
            Err(GatewayError::Unauthorized)
        }
    }

    /// Where the student signs in and approves.
    pub fn authorize_url(&self, request_token: &str) -> String {
        let mut url = self.url("services/oauth/authorize");
        url.query_pairs_mut()
            .append_pair("oauth_token", request_token);
        url.into()
    }

    async fn token_call(
        &self,
        path: &str,
        args: &[(String, String)],
        token: Option<Pair<'_>>,
        extras: Extras<'_>,
    ) -> Result<Tokens, GatewayError> {
        let url = self.url(path);
        let authorization =
            signing::authorization("POST", url.as_str(), args, self.consumer(), token, extras);
        let response = self
            .client
            .post(url)
            .header("authorization", authorization)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(signing::encode(args))
            .send()
            .await
            .map_err(transport)?;
        let status = response.status();
        let body = response.bytes().await.map_err(transport)?;
        if status == StatusCode::UNAUTHORIZED {
            return Err(GatewayError::Unauthorized);
        }
        if !status.is_success() {
            return Err(GatewayError::UpstreamBadTokens);
        }
        let mut token = None;
        let mut secret = None;
        for (name, value) in form_urlencoded::parse(&body) {
            match name.as_ref() {
                "oauth_token" => token = Some(value.into_owned()),
                "oauth_token_secret" => secret = Some(value.into_owned()),
                _ => {}
            }
        }
        match (token, secret) {
            (Some(token), Some(secret)) if !token.is_empty() && !secret.is_empty() => {
                Ok(Tokens { token, secret })
            }
            _ => Err(GatewayError::UpstreamBadTokens),
        }
    }

    /// `{usos-api}{path}`, from the base parsed once at start: cheaper than
    /// parsing a whole URL on every call. Without a query, as signing wants it.
    fn url(&self, path: &str) -> Url {
        let mut url = self.base.clone();
        url.set_path(&format!("{}{path}", self.base.path()));
        url
    }

    fn consumer(&self) -> Pair<'_> {
        Pair {
            key: &self.consumer_key,
            secret: self.consumer_secret.expose_secret(),
        }
    }
}

/// What kind of answer a call had, for `usos_gateway_usos_answers_total`:
/// `success`, `usos_error` (an error in USOS's shape other than 429 or
/// 5xx), `busy` (429 or 5xx, or a page that is not JSON), `timeout`,
/// `unreachable`.
pub fn answer_kind(result: &Result<Answer, GatewayError>) -> &'static str {
    match result {
        Ok(answer) if answer.status.is_success() => "success",
        Ok(answer)
            if answer.status == StatusCode::TOO_MANY_REQUESTS
                || answer.status.is_server_error() =>
        {
            "busy"
        }
        Ok(_) => "usos_error",
        Err(GatewayError::UpstreamTimeout) => "timeout",
        Err(GatewayError::UpstreamNotJson) => "busy",
        Err(_) => "unreachable",
    }
}

/// A failure to get an answer: timeout, or anything else on the way.
fn transport(error: reqwest::Error) -> GatewayError {
    if error.is_timeout() {
        GatewayError::UpstreamTimeout
    } else {
        GatewayError::UpstreamUnreachable
    }
}
