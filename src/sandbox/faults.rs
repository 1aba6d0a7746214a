//! The misbehaviours a test can queue for an endpoint (`POST /__sandbox/faults`): the same for
//! every provider, so one fault matrix covers them all. Some replace the answer (a 500, an
//! HTML page, a dropped connection); the others change the normal answer (a missing field,
//! wrong types, invalid UTF-8, a slow drip, absurd lifetimes).

use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;

use super::server::Reply;

/// A misbehaviour queued for the next calls of one endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// Answer 500 with the provider's error body.
    #[serde(rename = "status_500")]
    Status500,
    /// Wait before answering normally (set `delay_ms`).
    Delay,
    /// Close the connection without answering.
    DropConnection,
    /// Answer with an HTML error page, as a proxy or load balancer would.
    HtmlBody,
    /// Redirect to a login page, as a captive portal or SSO proxy would.
    Redirect,
    /// Answer 200 with a truncated JSON body.
    MalformedJson,
    /// Treat the credential presented (a bearer, a refresh token, a session token, a client
    /// secret, a signed request) as expired or revoked, with the provider's own error.
    ExpiredBearer,
    /// Answer 200 with a JSON body of 2 MiB: more than any real answer (the client's cap is
    /// 1 MiB).
    HugeBody,
    /// Answer normally, but with every lifetime absurd (`"expires_in": "99999999999999"`):
    /// more seconds than any clock can add. An answer without a lifetime gets one.
    AbsurdLifetime,
    /// Answer normally without the fields that carry what was asked for: every key naming a
    /// token, and `url`.
    MissingField,
    /// Answer normally with every type swapped: each string a number, each number a string.
    WrongTypes,
    /// Answer normally with bytes that are not UTF-8 at the start of every string.
    InvalidUtf8,
    /// Send the normal answer's head at once and its body one byte at a time, `delay_ms`
    /// apart (250 ms when not given): a server that never quite stalls.
    SlowDrip,
}

#[derive(Debug, Clone, Copy)]
pub struct Fault {
    pub kind: FaultKind,
    pub delay: Duration,
}

/// Carries out a fault that replaces the answer: the reply to send instead of the normal
/// answer, or `None` to go on normally (after a delay, or for a fault that changes the normal
/// answer or that the endpoint handles itself, such as an expired bearer). `server_error` is
/// the provider's own 500 body.
pub async fn fault_reply(fault: Fault, server_error: impl FnOnce() -> Reply) -> Option<Reply> {
    match fault.kind {
        FaultKind::Delay => {
            tokio::time::sleep(fault.delay).await;
            None
        }
        FaultKind::Status500 => Some(server_error()),
        FaultKind::DropConnection => Some(Reply::Drop),
        FaultKind::HtmlBody => Some(Reply::html(502, super::pages::gateway_error())),
        FaultKind::MalformedJson => Some(Reply::raw(
            200,
            "application/json",
            br#"{"result":{"ssoTok"#,
        )),
        FaultKind::Redirect => Some(Reply::Redirect(
            "https://login.example.com/portal?return_to=%2Fapi&ticket=st-4f1d9a2b".into(),
        )),
        FaultKind::HugeBody => {
            let mut body = br#"{"padding":""#.to_vec();
            body.resize(body.len() + 2 * 1024 * 1024, b'x');
            body.extend_from_slice(br#""}"#);
            Some(Reply::Respond {
                status: 200,
                content_type: "application/json",
                body,
            })
        }
        FaultKind::ExpiredBearer
        | FaultKind::AbsurdLifetime
        | FaultKind::MissingField
        | FaultKind::WrongTypes
        | FaultKind::InvalidUtf8
        | FaultKind::SlowDrip => None,
    }
}

/// The seconds an [`FaultKind::AbsurdLifetime`] answer gives: about three million years.
pub const ABSURD_SECONDS: u64 = 99_999_999_999_999;

/// The pause between bytes of a [`FaultKind::SlowDrip`] when the test gives none.
const DRIP_EVERY: Duration = Duration::from_millis(250);

/// A normal answer, changed by a fault that changes answers rather than replacing them. Only
/// successful JSON answers change; an error answer goes out as it is.
pub fn after_fault(fault: Option<Fault>, reply: Reply) -> Reply {
    changed_answer(fault, reply, false)
}

/// The same, with an absurd `expires_in` as a string: AGS's clients accept one.
pub fn after_fault_string_lifetime(fault: Option<Fault>, reply: Reply) -> Reply {
    changed_answer(fault, reply, true)
}

fn changed_answer(fault: Option<Fault>, reply: Reply, string_lifetime: bool) -> Reply {
    let Some(fault) = fault else {
        return reply;
    };
    let Reply::Respond {
        status,
        content_type,
        body,
    } = reply
    else {
        return reply;
    };
    if !(200..300).contains(&status) {
        return Reply::Respond {
            status,
            content_type,
            body,
        };
    }
    let parsed = serde_json::from_slice::<Value>(&body).ok();
    let body = match (fault.kind, parsed) {
        (FaultKind::SlowDrip, _) => {
            let every = if fault.delay.is_zero() {
                DRIP_EVERY
            } else {
                fault.delay
            };
            return Reply::Drip {
                status,
                content_type,
                body,
                every,
            };
        }
        (FaultKind::AbsurdLifetime, Some(Value::Object(mut answer))) => {
            let absurd: Value = if string_lifetime {
                ABSURD_SECONDS.to_string().into()
            } else {
                ABSURD_SECONDS.into()
            };
            let mut any = false;
            for (key, value) in answer.iter_mut() {
                if key == "expires_in" {
                    *value = absurd.clone();
                    any = true;
                } else if key.ends_with("expires_in") {
                    *value = ABSURD_SECONDS.into();
                    any = true;
                }
            }
            if !any {
                answer.insert("expires_in".into(), absurd);
            }
            serde_json::to_vec(&answer).expect("JSON serialises")
        }
        (FaultKind::MissingField, Some(mut answer)) => {
            remove_carriers(&mut answer);
            serde_json::to_vec(&answer).expect("JSON serialises")
        }
        (FaultKind::WrongTypes, Some(mut answer)) => {
            swap_types(&mut answer);
            serde_json::to_vec(&answer).expect("JSON serialises")
        }
        (FaultKind::InvalidUtf8, Some(answer)) => {
            let text = serde_json::to_vec(&answer).expect("JSON serialises");
            break_utf8(&text)
        }
        _ => body,
    };
    Reply::Respond {
        status,
        content_type,
        body,
    }
}

/// Removes every key that carries what the client asked for: any `*token*` and `url`.
fn remove_carriers(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|key, _| {
                let key = key.to_ascii_lowercase();
                !(key.contains("token") || key == "url")
            });
            map.values_mut().for_each(remove_carriers);
        }
        Value::Array(items) => items.iter_mut().for_each(remove_carriers),
        _ => {}
    }
}

/// A number where a string belongs, and a string where a number belongs.
fn swap_types(value: &mut Value) {
    match value {
        Value::Object(map) => map.values_mut().for_each(swap_types),
        Value::Array(items) => items.iter_mut().for_each(swap_types),
        Value::String(_) => *value = Value::from(12345),
        Value::Number(number) => *value = Value::from(number.to_string()),
        Value::Bool(_) | Value::Null => {}
    }
}

/// The JSON text with the bytes 0xFF 0xFE (never valid UTF-8) opening every string value.
fn break_utf8(text: &[u8]) -> Vec<u8> {
    let mut broken = Vec::with_capacity(text.len() + 64);
    let mut previous = 0u8;
    for &byte in text {
        broken.push(byte);
        if byte == b'"' && previous == b':' {
            broken.extend_from_slice(&[0xFF, 0xFE]);
        }
        previous = byte;
    }
    broken
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn changed(kind: FaultKind, answer: Value) -> Vec<u8> {
        let fault = Fault {
            kind,
            delay: Duration::ZERO,
        };
        match after_fault(Some(fault), Reply::json(200, &answer)) {
            Reply::Respond { body, .. } => body,
            other => panic!("unexpected reply {other:?}"),
        }
    }

    #[test]
    fn answer_changing_faults_do_what_they_say() {
        let answer = json!({"result": {"ssoToken": "t"}, "access_token": "a", "url": "u", "n": 3});
        let missing: Value =
            serde_json::from_slice(&changed(FaultKind::MissingField, answer.clone())).unwrap();
        assert_eq!(missing, json!({"result": {}, "n": 3}));
        let swapped: Value =
            serde_json::from_slice(&changed(FaultKind::WrongTypes, answer.clone())).unwrap();
        assert_eq!(swapped["access_token"], 12345);
        assert_eq!(swapped["n"], "3");
        let broken = changed(FaultKind::InvalidUtf8, answer.clone());
        assert!(std::str::from_utf8(&broken).is_err());
        assert!(serde_json::from_slice::<Value>(&broken).is_err());
        let absurd: Value =
            serde_json::from_slice(&changed(FaultKind::AbsurdLifetime, answer)).unwrap();
        assert_eq!(absurd["expires_in"], ABSURD_SECONDS);
    }

    #[test]
    fn error_answers_are_left_alone() {
        let fault = Fault {
            kind: FaultKind::MissingField,
            delay: Duration::ZERO,
        };
        let error = json!({"error": "invalid_grant", "token": "x"});
        let Reply::Respond { body, .. } = after_fault(Some(fault), Reply::json(400, &error)) else {
            panic!("a respond reply");
        };
        assert_eq!(serde_json::from_slice::<Value>(&body).unwrap(), error);
    }
}
