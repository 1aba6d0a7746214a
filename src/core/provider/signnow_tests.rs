use super::*;

#[test]
fn client_id_is_read_from_the_basic_token() {
    let basic =
        SecretString::new(base64::engine::general_purpose::STANDARD.encode("my-app:s3cret"));
    assert_eq!(client_id_from_basic(&basic).unwrap(), "my-app");
    assert!(client_id_from_basic(&SecretString::new("not base64!")).is_err());
}
