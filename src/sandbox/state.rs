//! The sandbox's shared state: its clock, request counts, queued faults and chosen variants.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use serde::Deserialize;
use time::OffsetDateTime;

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
    /// Treat the presented session token as expired (it stays dead).
    ExpiredBearer,
    /// Answer 200 with a JSON body of 2 MiB: more than any real answer (the client's cap is
    /// 1 MiB).
    HugeBody,
    /// Answer normally, but with every lifetime absurd (`"expires_in": "99999999999999"`):
    /// more seconds than any clock can add.
    AbsurdLifetime,
}

#[derive(Debug, Clone, Copy)]
pub struct Fault {
    pub kind: FaultKind,
    pub delay: Duration,
}

#[derive(Debug, Default)]
struct Inner {
    clock_offset: Duration,
    counts: BTreeMap<String, u64>,
    faults: HashMap<String, VecDeque<Fault>>,
    variants: HashMap<String, String>,
}

#[derive(Debug, Default)]
pub struct SandboxState {
    inner: Mutex<Inner>,
}

impl SandboxState {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().expect("sandbox state lock")
    }

    /// The sandbox's own time: the real clock plus however far tests have advanced it.
    pub fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc() + self.lock().clock_offset
    }

    pub fn advance_clock(&self, by: Duration) {
        self.lock().clock_offset += by;
    }

    /// Counts a call and returns the fault queued for it, if any.
    pub fn record_call(&self, endpoint: &str) -> Option<Fault> {
        let mut inner = self.lock();
        *inner.counts.entry(endpoint.to_string()).or_default() += 1;
        inner.faults.get_mut(endpoint).and_then(VecDeque::pop_front)
    }

    pub fn counts(&self) -> BTreeMap<String, u64> {
        self.lock().counts.clone()
    }

    pub fn queue_fault(&self, endpoint: &str, fault: Fault, times: u32) {
        let mut inner = self.lock();
        let queue = inner.faults.entry(endpoint.to_string()).or_default();
        queue.extend(std::iter::repeat_n(fault, times as usize));
    }

    pub fn set_variant(&self, endpoint: &str, variant: &str) {
        self.lock()
            .variants
            .insert(endpoint.to_string(), variant.to_string());
    }

    pub fn variant(&self, endpoint: &str) -> Option<String> {
        self.lock().variants.get(endpoint).cloned()
    }

    /// Forgets counts, faults, variants and the clock offset (issued tokens stay).
    pub fn reset(&self) {
        *self.lock() = Inner::default();
    }
}

/// Carries out a fault that looks the same for every provider: the reply to send instead of
/// the normal answer, or `None` to go on normally (after a delay, or for a fault the
/// endpoint handles itself, such as an expired bearer). `server_error` is the provider's own
/// 500 body.
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
        FaultKind::ExpiredBearer | FaultKind::AbsurdLifetime => None,
    }
}

/// The seconds an [`FaultKind::AbsurdLifetime`] answer gives: about three million years.
pub const ABSURD_SECONDS: u64 = 99_999_999_999_999;

/// A normal answer, changed by a fault that changes answers rather than replacing them: an
/// absurd lifetime sets every `*expires_in` of a JSON answer to [`ABSURD_SECONDS`].
pub fn after_fault(fault: Option<Fault>, reply: Reply) -> Reply {
    absurd_lifetimes(fault, reply, false)
}

/// The same, with `expires_in` as a string: AGS's clients accept one.
pub fn after_fault_string_lifetime(fault: Option<Fault>, reply: Reply) -> Reply {
    absurd_lifetimes(fault, reply, true)
}

fn absurd_lifetimes(fault: Option<Fault>, reply: Reply, as_string: bool) -> Reply {
    let Some(Fault {
        kind: FaultKind::AbsurdLifetime,
        ..
    }) = fault
    else {
        return reply;
    };
    let Reply::Respond {
        status,
        content_type,
        body,
    } = &reply
    else {
        return reply;
    };
    let Ok(serde_json::Value::Object(mut answer)) = serde_json::from_slice(body) else {
        return reply;
    };
    for (key, value) in answer.iter_mut() {
        if key == "expires_in" && as_string {
            *value = ABSURD_SECONDS.to_string().into();
        } else if key.ends_with("expires_in") {
            *value = ABSURD_SECONDS.into();
        }
    }
    Reply::Respond {
        status: *status,
        content_type,
        body: serde_json::to_vec(&answer).expect("JSON serialises"),
    }
}

/// A random URL-safe token, as a provider would issue.
pub fn random_token(bytes: usize) -> String {
    use base64::Engine as _;
    let mut buffer = vec![0u8; bytes];
    getrandom::fill(&mut buffer).expect("OS random source");
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buffer)
}
