//! The access log's request line, without the secrets some links carry in their query
//! (`/reset-password?token=…`, `/setup?token=…`): anyone who can read the log must not be
//! able to use them.

use actix_web::dev::ServiceRequest;

/// Query parameters whose values are never written to the log.
const SECRET_KEYS: [&str; 4] = ["token", "password", "secret", "key"];

/// For `Logger::custom_request_replace`: "GET /reset-password?token=REDACTED HTTP/1.1".
pub fn request_line(req: &ServiceRequest) -> String {
    format!(
        "{} {} {:?}",
        req.method(),
        redacted_path(&req.uri().to_string()),
        req.version()
    )
}

/// The path and query with the values of secret parameters replaced.
pub fn redacted_path(path_and_query: &str) -> String {
    let Some((path, query)) = path_and_query.split_once('?') else {
        return path_and_query.to_owned();
    };
    let query: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((key, _)) if is_secret(key) => format!("{key}=REDACTED"),
            _ => pair.to_owned(),
        })
        .collect();
    format!("{path}?{}", query.join("&"))
}

fn is_secret(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    SECRET_KEYS.iter().any(|secret| key.contains(secret))
}

#[cfg(test)]
mod tests {
    use super::redacted_path;

    #[test]
    fn tokens_in_the_query_are_redacted() {
        assert_eq!(
            redacted_path("/reset-password?token=abc123"),
            "/reset-password?token=REDACTED"
        );
        assert_eq!(
            redacted_path("/setup?token=abc&x=1"),
            "/setup?token=REDACTED&x=1"
        );
        assert_eq!(
            redacted_path("/admin/media?csrf_token=abc"),
            "/admin/media?csrf_token=REDACTED"
        );
        assert_eq!(
            redacted_path("/x?reset_token=a&Session_Key=b&q=skin"),
            "/x?reset_token=REDACTED&Session_Key=REDACTED&q=skin"
        );
    }

    #[test]
    fn other_queries_and_paths_stay_as_they_are() {
        assert_eq!(
            redacted_path("/search?q=skin&page=2"),
            "/search?q=skin&page=2"
        );
        assert_eq!(redacted_path("/posts/x"), "/posts/x");
        assert_eq!(redacted_path("/?"), "/?");
    }
}
