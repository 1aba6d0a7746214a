use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use super::*;
use crate::core::clock::ManualClock;
use crate::core::store::vault::MemoryVault;

struct Fixture {
    cache: Arc<TokenCache>,
    vault: Arc<MemoryVault>,
    clock: Arc<ManualClock>,
    _dir: tempfile::TempDir,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let vault = Arc::new(MemoryVault::new());
    let clock = Arc::new(ManualClock::new(
        OffsetDateTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000),
    ));
    let cache = Arc::new(TokenCache::new(
        vault.clone(),
        clock.clone(),
        dir.path().join("locks"),
    ));
    Fixture {
        cache,
        vault,
        clock,
        _dir: dir,
    }
}

fn token(clock: &ManualClock, value: &str, minutes: i64) -> SessionToken {
    SessionToken::new(
        AccessToken::new(value),
        "bearer",
        clock.now(),
        Duration::from_secs(minutes as u64 * 60),
    )
}

#[tokio::test]
async fn second_request_is_served_from_memory_and_vault() {
    let f = fixture();
    let account = AccountId::new_random();
    let (first, source) = f
        .cache
        .session(account, |_| async {
            Ok::<_, ()>(token(&f.clock, "t1", 60))
        })
        .await
        .unwrap();
    assert_eq!(source, TokenSource::Fresh);
    let (_, source) = f
        .cache
        .session(account, |_| async { Err(()) })
        .await
        .unwrap();
    assert_eq!(source, TokenSource::Memory);

    // A new process: same vault, empty memory.
    let other = TokenCache::new(
        f.vault.clone(),
        f.clock.clone(),
        f._dir.path().join("locks"),
    );
    let (again, source) = other.session(account, |_| async { Err(()) }).await.unwrap();
    assert_eq!(source, TokenSource::Vault);
    assert_eq!(again.value.expose_secret(), first.value.expose_secret());
    assert_eq!(again.expires_at, first.expires_at);
}

#[tokio::test]
async fn token_near_expiry_is_replaced() {
    let f = fixture();
    let account = AccountId::new_random();
    f.cache
        .session(account, |_| async {
            Ok::<_, ()>(token(&f.clock, "t1", 60))
        })
        .await
        .unwrap();
    f.clock.advance(Duration::from_secs(59 * 60 + 1));
    let (fresh, source) = f
        .cache
        .session(account, |_| async {
            Ok::<_, ()>(token(&f.clock, "t2", 60))
        })
        .await
        .unwrap();
    assert_eq!(source, TokenSource::Fresh);
    assert_eq!(fresh.value.expose_secret(), "t2");
}

#[tokio::test]
async fn concurrent_requests_authenticate_once() {
    let f = fixture();
    let account = AccountId::new_random();
    let calls = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let cache = f.cache.clone();
        let calls = calls.clone();
        let fresh = token(&f.clock, "shared", 60);
        tasks.push(tokio::spawn(async move {
            cache
                .session(account, |_| async move {
                    calls.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    Ok::<_, ()>(fresh)
                })
                .await
                .map(|(token, _)| token.value.expose_secret().to_string())
        }));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap().unwrap(), "shared");
    }
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn invalidate_drops_only_the_rejected_token() {
    let f = fixture();
    let account = AccountId::new_random();
    let (held, _) = f
        .cache
        .session(account, |_| async {
            Ok::<_, ()>(token(&f.clock, "t1", 60))
        })
        .await
        .unwrap();
    let stale = token(&f.clock, "older", 60);
    f.cache.invalidate(account, &stale).await.unwrap();
    assert!(
        f.cache.held_in_memory(account).is_some(),
        "a different token must survive"
    );
    assert_eq!(f.vault.len(), 1);
    f.cache.invalidate(account, &held).await.unwrap();
    assert!(f.cache.held_in_memory(account).is_none());
    assert!(f.vault.is_empty());
}

#[tokio::test]
async fn damaged_vault_entry_means_sign_in_again() {
    let f = fixture();
    let account = AccountId::new_random();
    f.vault
        .set(
            &SecretKey::new(account, SESSION_SLOT),
            &SecretString::new("{not json"),
        )
        .unwrap();
    let (_, source) = f
        .cache
        .session(account, |_| async {
            Ok::<_, ()>(token(&f.clock, "t1", 60))
        })
        .await
        .unwrap();
    assert_eq!(source, TokenSource::Fresh);
}

#[tokio::test]
async fn stale_session_is_handed_to_the_sign_in_so_it_can_refresh() {
    let f = fixture();
    let account = AccountId::new_random();
    let mut first = token(&f.clock, "t1", 60);
    first.refresh_token = Some(SecretString::new("r1"));
    first.id_claims = Some(crate::core::provider::IdClaims {
        iss: "https://issuer.example".into(),
        sub: "user-1".into(),
        aud: vec!["client".into()],
        exp: 1_800_003_600,
        email: Some("a@b.example".into()),
    });
    let stored = first.clone();
    f.cache
        .session(account, |_| async move { Ok::<_, ()>(stored) })
        .await
        .unwrap();
    f.clock.advance(Duration::from_secs(61 * 60));

    // A new process: the stale session comes from the vault, refresh token and claims intact.
    let other = TokenCache::new(
        f.vault.clone(),
        f.clock.clone(),
        f._dir.path().join("locks"),
    );
    let clock = f.clock.clone();
    let (renewed, source) = other
        .session(account, |stale| async move {
            let stale = stale.expect("the stale session is offered");
            assert_eq!(stale.refresh_token.as_ref().unwrap().expose_secret(), "r1");
            assert_eq!(
                stale.id_claims.as_ref().unwrap().email.as_deref(),
                Some("a@b.example")
            );
            Ok::<_, ()>(token(&clock, "t2", 60))
        })
        .await
        .unwrap();
    assert_eq!(
        (renewed.value.expose_secret(), source),
        ("t2", TokenSource::Fresh)
    );
}

#[test]
fn refresh_expiry_and_provider_state_survive_the_vault() {
    let mut session = token(&ManualClock::new(OffsetDateTime::UNIX_EPOCH), "t", 60);
    session.refresh_token = Some(SecretString::new("r"));
    session.refresh_expires_at = Some(OffsetDateTime::UNIX_EPOCH + Duration::from_secs(7200));
    session.state.insert("client_id".into(), "PUB_1".into());
    let decoded = decode(&encode(&session)).unwrap();
    assert_eq!(decoded.refresh_expires_at, session.refresh_expires_at);
    assert_eq!(decoded.state, session.state);
    assert!(decoded.can_refresh(OffsetDateTime::UNIX_EPOCH + Duration::from_secs(7199)));
    assert!(!decoded.can_refresh(OffsetDateTime::UNIX_EPOCH + Duration::from_secs(7200)));
}

#[tokio::test]
async fn a_sign_in_held_elsewhere_is_waited_for_then_given_up_with_who_holds_it() {
    let f = fixture();
    let account = AccountId::new_random();
    let told = Arc::new(Mutex::new(Vec::<String>::new()));
    let seen = told.clone();
    f.cache.set_lock_wait(LockWait {
        limit: Duration::from_millis(400),
        holder: "this test (pid 1)".into(),
        on_wait: Arc::new(move |message| seen.lock().unwrap().push(message.into())),
    });
    let path = f._dir.path().join("locks").join(format!("{account}.lock"));
    let mut other = FileLock::try_acquire(&path).unwrap().unwrap();
    other.describe_holder("the sso-launcher window (pid 42)");
    let calls = AtomicUsize::new(0);
    let result = f
        .cache
        .session(account, |_| async {
            calls.fetch_add(1, Ordering::SeqCst);
            Ok::<_, ()>(token(&f.clock, "t1", 60))
        })
        .await;
    match result {
        Err(TokenError::LockBusy { holder, waited }) => {
            assert_eq!(holder.as_deref(), Some("the sso-launcher window (pid 42)"));
            assert_eq!(waited, Duration::from_millis(400));
        }
        other => panic!("expected LockBusy, got {:?}", other.map(|(_, s)| s)),
    }
    assert_eq!(calls.load(Ordering::SeqCst), 0, "never signed in meanwhile");
    let told = told.lock().unwrap().clone();
    assert_eq!(told.len(), 1, "{told:?}");
    assert!(
        told[0].contains("the sso-launcher window (pid 42)"),
        "{told:?}"
    );

    // Released within the wait: the waiter goes on, and names itself in the file meanwhile.
    let release = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(150)).await;
        drop(other);
    });
    let (_, source) = f
        .cache
        .session(account, |_| async {
            assert_eq!(
                FileLock::holder(&path).as_deref(),
                Some("this test (pid 1)")
            );
            Ok::<_, ()>(token(&f.clock, "t1", 60))
        })
        .await
        .unwrap();
    assert_eq!(source, TokenSource::Fresh);
    release.await.unwrap();
}
