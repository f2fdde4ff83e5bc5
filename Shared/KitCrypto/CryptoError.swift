/// Errors thrown by KitCrypto.
public enum CryptoError: Error, Equatable {
    /// Key material of the wrong length or rejected by OpenSSL.
    case invalidKey
    /// A token failed a structural, algorithm, key-ID, signature, `nbf` or claims check. The
    /// associated reason is short and stable (see `TokenVerifier`) and safe to log; do not
    /// return it to clients.
    case invalidToken(String)
    /// A token's `exp` (plus leeway) has passed.
    case expired
    /// Input longer than OpenSSL's `int` lengths take (2 GiB).
    case tooLong
}
