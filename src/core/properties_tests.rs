//! Property tests (issue 14): whatever a server, a file or a local client sends, the readers
//! return a value or a typed error, and never panic. Case counts are bounded so the suite stays
//! quick; `cargo fuzz` goes further (fuzz/).

use std::io::Write;
use std::net::{TcpListener, TcpStream};

use proptest::prelude::*;
use reqwest::StatusCode;

use crate::core::audit::AuditLog;
use crate::core::http::HttpResponse;
use crate::core::provider::answer_readers;
use crate::core::server_text::SentValues;
use crate::core::store::accounts::AccountStore;
use crate::core::store::remembered::RememberedStore;
use crate::core::store::settings::Settings;

const CASES: u32 = 256;

/// Settings an AssureSign account passes its checks with.
const ASSURESIGN: &str =
    r#"{"environment":"sb","api_username":"u","context_username":"a@b.example"}"#;

fn answer(status: u16, content_type: Option<&str>, body: Vec<u8>) -> HttpResponse {
    HttpResponse {
        status: StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
        content_type: content_type.map(str::to_string),
        headers: Default::default(),
        body,
        sent: SentValues::default(),
    }
}

/// JSON of any shape, with the keys providers look for among the random ones.
fn any_json() -> impl Strategy<Value = serde_json::Value> {
    let key = prop_oneof![
        Just("expires_in".to_string()),
        Just("access_token".to_string()),
        Just("refresh_token".to_string()),
        Just("token".to_string()),
        Just("url".to_string()),
        Just("error".to_string()),
        Just("errors".to_string()),
        Just("errorCode".to_string()),
        Just("code".to_string()),
        Just("message".to_string()),
        Just("result".to_string()),
        Just("refresh_expires_in".to_string()),
        Just("fixed_refresh_expires_in".to_string()),
        "[a-z_]{1,12}",
    ];
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<u64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(serde_json::Value::from),
        ".{0,40}".prop_map(serde_json::Value::from),
        "[0-9]{1,20}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::from),
            prop::collection::btree_map(key.clone(), inner, 0..8)
                .prop_map(|map| serde_json::Value::Object(map.into_iter().collect())),
        ]
    })
}

/// Any number, as JSON: huge, negative, fractional, or as a string.
fn any_number() -> impl Strategy<Value = serde_json::Value> {
    prop_oneof![
        any::<u64>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(serde_json::Value::from),
        any::<u64>().prop_map(|n| serde_json::Value::from(n.to_string())),
        Just(serde_json::Value::from("99999999999999")),
        Just(serde_json::Value::Null),
    ]
}

/// An answer shaped like a success of any provider (tokens, lifetimes, a URL), with any values:
/// random JSON almost never has every field a reader needs before it reaches the arithmetic.
fn near_valid_answer() -> impl Strategy<Value = serde_json::Value> {
    (
        ".{0,30}",
        ".{0,30}",
        any_number(),
        any_number(),
        any_number(),
        prop_oneof![
            Just("https://sso.example.com/authorize?x=1".to_string()),
            Just("javascript:alert(1)".to_string()),
            ".{0,40}",
        ],
        any_json(),
    )
        .prop_map(|(access, refresh, expires, window, cap, url, extra)| {
            serde_json::json!({
                "access_token": access, "refresh_token": refresh, "token": access,
                "token_type": "bearer", "expires_in": expires,
                "refresh_expires_in": window, "fixed_refresh_expires_in": cap,
                "url": url, "client_id": "c", "result": {"token": refresh}, "extra": extra,
            })
        })
}

fn any_content_type() -> impl Strategy<Value = Option<&'static str>> {
    prop_oneof![
        Just(None),
        Just(Some("application/json")),
        Just(Some("text/html; charset=utf-8")),
        Just(Some("text/plain")),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    /// Every provider's readers, on any JSON answer with any status.
    #[test]
    fn provider_readers_take_any_json(
        status in 100u16..600,
        content_type in any_content_type(),
        json in any_json(),
    ) {
        let body = serde_json::to_vec(&json).unwrap();
        for (_, read) in answer_readers() {
            read(&answer(status, content_type, body.clone()));
        }
    }

    /// Every provider's readers, on answers shaped like a success with any values in them.
    #[test]
    fn provider_readers_take_near_valid_answers(
        status in prop_oneof![Just(200u16), Just(201), Just(400), Just(401), Just(500)],
        json in near_valid_answer(),
    ) {
        let body = serde_json::to_vec(&json).unwrap();
        for (_, read) in answer_readers() {
            read(&answer(status, Some("application/json"), body.clone()));
        }
    }

    /// Every provider's readers, on any bytes (HTML pages, cut-short JSON, invalid UTF-8).
    #[test]
    fn provider_readers_take_any_bytes(
        status in 100u16..600,
        content_type in any_content_type(),
        body in prop::collection::vec(any::<u8>(), 0..512),
    ) {
        for (_, read) in answer_readers() {
            read(&answer(status, content_type, body.clone()));
        }
    }

    /// accounts.toml, settings.toml, a remembered state and the audit log, with any content.
    #[test]
    fn the_files_the_app_reads_take_any_content(
        text in prop_oneof![
            ".{0,300}",
            "schema_version = [0-9]{1,3}\n(\\[\\[accounts\\]\\]\n)?[a-z_]{1,10} = .{0,30}\n",
        ],
        bytes in prop::collection::vec(any::<u8>(), 0..300),
    ) {
        let dir = tempfile::tempdir().unwrap();
        for content in [text.as_bytes(), &bytes[..]] {
            let accounts = dir.path().join("accounts.toml");
            std::fs::write(&accounts, content).unwrap();
            let _ = AccountStore::new(accounts).load();
            let settings = dir.path().join("settings.toml");
            std::fs::write(&settings, content).unwrap();
            let _ = Settings::load(&settings);
            let remembered = dir.path().join("remembered");
            std::fs::create_dir_all(&remembered).unwrap();
            let id = crate::core::account::AccountId::nil();
            std::fs::write(remembered.join(format!("{id}.json")), content).unwrap();
            let _ = RememberedStore::new(remembered).load(id);
            let audit = dir.path().join("audit.jsonl");
            std::fs::write(&audit, content).unwrap();
            let log = AuditLog::new(audit);
            let _ = log.read_from(None);
            if let Ok(first) = log.read_from(None) {
                let _ = log.read_from(first.next);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Onboarding CSVs, whole or broken: the reader never panics, and every row it accepts
    /// is an account that passes the account checks.
    #[test]
    fn csv_lists_take_any_content(
        text in prop_oneof![
            ".{0,300}",
            ("[a-zA-Z ,\"]{0,10}", "(assuresign|ags|nonesuch)", "[a-z;]{0,8}", "[a-z0-9@.:/]{0,12}", "(acme-api|ACME-API|nonesuch|)").prop_map(
                |(name, provider, tags, value, credential)| format!(
                    "name,provider,tags,credential,set.environment,set.api_username,set.context_username\n{name},{provider},{tags},{credential},sb,{value},a@b.example\n\"{name}\",{provider},,{credential},{value},,{value}\n"
                )
            ),
        ],
    ) {
        let sets = credential_sets();
        if let Ok(rows) = crate::core::transfer_csv::parse_csv(&text, &sets) {
            for account in &rows.accounts {
                prop_assert!(
                    crate::core::account_changes::check_account_using(account, &sets).is_ok()
                );
            }
        }
    }

    /// Import files, JSON or TOML, whole or broken: the reader never panics, and what it
    /// accepts merges under every conflict rule into a list that keeps its rules (names and
    /// ids unique).
    #[test]
    fn import_files_take_any_content(
        text in prop_oneof![
            ".{0,300}",
            ("[a-zA-Z ]{0,8}", "(assuresign|nonesuch)", 0u32..4, "[a-z=\" ]{0,12}").prop_map(
                |(name, provider, version, extra)| format!(
                    "{{\"format\":\"sso-launcher-accounts\",\"version\":{version},\"accounts\":[{{\"name\":\"{name}1\",\"provider\":\"{provider}\",\"settings\":{ASSURESIGN}{extra}}},{{\"name\":\"{name}2\",\"provider\":\"{provider}\",\"settings\":{ASSURESIGN}}}]}}"
                )
            ),
            ("[a-zA-Z ]{0,8}", "(assuresign|sovos|nonesuch)", 0u32..4, "(credential = \"acme-api\"|credential = \"nonesuch\"|)").prop_map(
                |(name, provider, version, credential)| format!(
                    "format = \"sso-launcher-accounts\"\nversion = {version}\n[[accounts]]\nname = \"{name}\"\nprovider = \"{provider}\"\n{credential}\n[accounts.settings]\nenvironment = \"sb\"\napi_username = \"u\"\ncontext_username = \"a@b.example\"\n"
                )
            ),
        ],
        rule in 0usize..4,
    ) {
        use crate::core::transfer_plan::{OnConflict, merge};
        if let Ok(imported) = crate::core::transfer::parse_import(&text, &credential_sets()) {
            let rules = [OnConflict::Refuse, OnConflict::Skip, OnConflict::Replace, OnConflict::Rename];
            let mut here = vec![crate::core::account::Account::new("Acme", crate::core::provider::ags::ID)];
            // One of the file's accounts is here already: a conflict for every rule to meet.
            here.extend(
                imported
                    .iter()
                    .take(1)
                    .filter(|account| !account.name.eq_ignore_ascii_case("acme"))
                    .cloned(),
            );
            if merge(&mut here, imported, rules[rule]).is_ok() {
                let names: std::collections::HashSet<String> =
                    here.iter().map(|account| account.name.to_lowercase()).collect();
                let ids: std::collections::HashSet<_> = here.iter().map(|account| account.id).collect();
                prop_assert_eq!(names.len(), here.len());
                prop_assert_eq!(ids.len(), here.len());
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// The team list, whole, broken or hand-edited on a share: the reader never panics; a
    /// list it takes has an id for every account (from the file) and no name or id twice, and
    /// beside a personal list it never shows an account the personal list has.
    #[test]
    fn team_lists_take_any_content(
        text in prop_oneof![
            ".{0,300}",
            ("[a-zA-Z ]{0,8}", "(assuresign|nonesuch)", 0u32..4, "(\"id\":\"8d7f5c1e-0a6b-4e0e-9d1c-2b3a4c5d6e70\",|\"id\":\"x\",|)", "(\"credential\":\"team-api\",|)").prop_map(
                |(name, provider, version, id, credential)| format!(
                    "{{\"format\":\"sso-launcher-accounts\",\"version\":{version},\"accounts\":[{{{id}{credential}\"name\":\"{name}\",\"provider\":\"{provider}\",\"settings\":{ASSURESIGN}}}]}}"
                )
            ),
        ],
        clash in any::<bool>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("team.json");
        std::fs::write(&path, &text).unwrap();
        if let Ok(accounts) = crate::core::transfer::parse_team_list(&text, &[]) {
            let ids: std::collections::HashSet<_> = accounts.iter().map(|account| account.id).collect();
            prop_assert_eq!(ids.len(), accounts.len());
            for account in &accounts {
                prop_assert!(text.contains(&account.id.to_string()), "the file's own id");
            }
        }
        let personal = if clash {
            vec![crate::core::account::Account::new("Acme", crate::core::provider::assuresign::ID)]
        } else {
            Vec::new()
        };
        let view = crate::core::team::TeamList::default().read(Some(&path), &personal, &[]);
        for account in &view.accounts {
            prop_assert!(!personal.iter().any(|own| own.name.eq_ignore_ascii_case(&account.name)));
        }
        prop_assert!(view.accounts.is_empty() || view.notice.is_none());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// The loopback listener's request reader, on any bytes a local client sends.
    #[test]
    fn the_listener_reads_any_request(
        head in prop_oneof![
            prop::collection::vec(any::<u8>(), 0..2048),
            ("(GET|POST|PUT|X) ", "/[ -~]{0,80}", " HTTP/1\\.[01]\r\n", "([A-Za-z-]{1,12}: [ -~]{0,40}\r\n){0,6}")
                .prop_map(|(method, target, version, headers)| {
                    format!("{method}{target}{version}{headers}\r\n").into_bytes()
                }),
        ],
    ) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        client.write_all(&head).unwrap();
        client.shutdown(std::net::Shutdown::Write).unwrap();
        let (server, _) = listener.accept().unwrap();
        if let Some(body_len) = crate::core::loopback::read_request_for_tests(server) {
            prop_assert!(body_len <= crate::core::loopback::MAX_BODY_FOR_TESTS);
        }
    }
}

/// The sets the generated import files may name: one AssureSign API user.
fn credential_sets() -> Vec<crate::core::credentials::CredentialSet> {
    let mut set = crate::core::credentials::CredentialSet::new(
        "acme-api",
        crate::core::provider::assuresign::ID,
    );
    set.settings.insert("api_username".into(), "u".into());
    vec![set]
}
