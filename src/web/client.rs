//! The client's address, only ever as a keyed hash.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};

use crate::web::session::Secrets;

/// Whether to believe X-Forwarded-For / Forwarded (set only behind a trusted proxy).
#[derive(Clone, Copy)]
pub struct TrustProxy(pub bool);

/// The hashed client address.
pub struct ClientAddr(pub String);

impl FromRequest for ClientAddr {
    type Error = actix_web::Error;
    type Future = Ready<Result<ClientAddr, actix_web::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let trust = req.app_data::<web::Data<TrustProxy>>().is_some_and(|t| t.0);
        let address = if trust {
            req.connection_info()
                .realip_remote_addr()
                .map(strip_port)
                .unwrap_or_default()
        } else {
            req.peer_addr()
                .map(|a| a.ip().to_string())
                .unwrap_or_default()
        };
        let hashed = match req.app_data::<web::Data<Secrets>>() {
            Some(secrets) => secrets.hash_address(&address),
            None => String::new(),
        };
        ready(Ok(ClientAddr(hashed)))
    }
}

fn strip_port(address: &str) -> String {
    match address.parse::<std::net::SocketAddr>() {
        Ok(socket) => socket.ip().to_string(),
        Err(_) => address.to_owned(),
    }
}
