//! The little the gateway itself reads of an `mcard` answer: the orders'
//! numbers and statuses, with the installation's status codes.

use mcard_common::status::{Status, StatusCodes};
use serde::Deserialize;

#[derive(Deserialize)]
struct Mcard {
    #[serde(default)]
    orders: Vec<Order>,
}

#[derive(Deserialize)]
struct Order {
    id: String,
    status: String,
}

/// The newest order in an `mcard` answer and its known status.
pub fn newest_of(body: &[u8], codes: &StatusCodes) -> Option<(String, Status)> {
    let mcard: Mcard = serde_json::from_slice(body).ok()?;
    let newest = mcard.orders.into_iter().next()?;
    let status = codes.status(&newest.status)?;
    Some((newest.id, status))
}

/// The order `order_id`'s status in an `mcard` answer; `None` when it is
/// not there or its code is unknown.
pub fn status_of(body: &[u8], order_id: &str, codes: &StatusCodes) -> Option<Status> {
    let mcard: Mcard = serde_json::from_slice(body).ok()?;
    let order = mcard.orders.into_iter().find(|o| o.id == order_id)?;
    codes.status(&order.status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_newest_order_with_the_installations_codes() {
        let body = br#"{"orders": [{"id": "9", "status": "do_odbioru"}, {"id": "8", "status": "received"}]}"#;
        let codes = StatusCodes::parse(r#"{"ready": "do_odbioru"}"#).unwrap();
        assert_eq!(newest_of(body, &codes), Some(("9".into(), Status::Ready)));
        assert_eq!(newest_of(body, &StatusCodes::default()), None);
        assert_eq!(status_of(body, "8", &codes), Some(Status::Received));
        assert_eq!(status_of(body, "7", &codes), None);
        assert_eq!(newest_of(br#"{"orders": []}"#, &codes), None);
    }
}
