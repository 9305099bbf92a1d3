//! Who is asking: the `Visitor` extractor hands every handler the logged-in user (or none),
//! and the role guards refuse what a role may not do. Checks live here, not in templates.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use time::PrimitiveDateTime;

use crate::accounts::grants;
use crate::accounts::remember;
use crate::accounts::session::AppSession;
use crate::accounts::users::{Role, User};
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::web::{app_data, dates};

pub struct Visitor {
    pub user: Option<User>,
    pub session: AppSession,
    /// A remember-me cookie came with the request (valid or not).
    pub has_remember_cookie: bool,
}

impl Visitor {
    pub async fn from_request_parts(req: &HttpRequest) -> Result<Visitor, AppError> {
        let session = AppSession::of(req);
        let db = app_data::<Db>(req)?.clone();
        let user = if session.user_id().is_some() {
            let grant = session.grant().unwrap_or_default();
            let user = db
                .run(move |conn| Ok(grants::user_for(conn, &grant, dates::now())?))
                .await?;
            match user {
                Some(user) if session.matches_password_of(&user) => Some(user),
                // Logged out elsewhere, expired, or the password changed.
                _ => {
                    session.log_out();
                    None
                }
            }
        } else if let Some(cookie) = req.cookie(remember::COOKIE) {
            let token = cookie.value().to_owned();
            let user = db
                .run(move |conn| Ok(remember::user_for(conn, &token, dates::now())?))
                .await?;
            if let Some(user) = &user {
                grants::sign_in(&db, &session, user).await?;
            }
            user
        } else {
            None
        };
        let has_remember_cookie = req.cookie(remember::COOKIE).is_some();
        Ok(Visitor {
            user,
            session,
            has_remember_cookie,
        })
    }

    /// For a logged-in reader, the user's lookup and `also` (given the user found) in one
    /// trip to the blocking pool, with when the login ends; `None` for `also` otherwise (the
    /// caller decides whether it needs the database at all).
    pub async fn with<T, F>(
        req: &HttpRequest,
        also: F,
    ) -> Result<(Visitor, Option<(T, PrimitiveDateTime)>), AppError>
    where
        F: FnOnce(&mut DbConn, Option<&User>) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let session = AppSession::of(req);
        if session.user_id().is_none() {
            return Ok((Visitor::from_request_parts(req).await?, None));
        }
        let db = app_data::<Db>(req)?.clone();
        let grant = session.grant().unwrap_or_default();
        let (login, extra) = db
            .run(move |conn| {
                let login = grants::live_grant(conn, &grant, dates::now())?;
                let extra = also(conn, login.as_ref().map(|(user, _)| user))?;
                Ok((login, extra))
            })
            .await?;
        match login {
            Some((user, ends)) if session.matches_password_of(&user) => {
                Ok((Visitor::signed_in(req, session, user), Some((extra, ends))))
            }
            // Logged out elsewhere, expired, or the password changed: what `also` made for
            // the user is not theirs to see.
            _ => {
                session.log_out();
                let visitor = Visitor {
                    user: None,
                    session,
                    has_remember_cookie: req.cookie(remember::COOKIE).is_some(),
                };
                Ok((visitor, None))
            }
        }
    }

    /// `user`, whose login on `session` has been checked.
    pub fn signed_in(req: &HttpRequest, session: AppSession, user: User) -> Visitor {
        Visitor {
            user: Some(user),
            session,
            has_remember_cookie: req.cookie(remember::COOKIE).is_some(),
        }
    }

    pub fn role(&self) -> Option<Role> {
        self.user.as_ref().map(User::role)
    }
}

impl FromRequest for Visitor {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Visitor, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { Visitor::from_request_parts(&req).await })
    }
}

/// The least role a guarded handler accepts.
pub trait MinimumRole {
    const ROLE: Role;
}

pub struct AnyRole;
impl MinimumRole for AnyRole {
    const ROLE: Role = Role::Subscriber;
}

pub struct AuthorRole;
impl MinimumRole for AuthorRole {
    const ROLE: Role = Role::Author;
}

pub struct EditorRole;
impl MinimumRole for EditorRole {
    const ROLE: Role = Role::Editor;
}

pub struct AdminRole;
impl MinimumRole for AdminRole {
    const ROLE: Role = Role::Admin;
}

/// A logged-in visitor with at least role `R`; others are sent to log in (303) or refused
/// (403).
pub struct RequireRole<R: MinimumRole> {
    pub user: User,
    pub visitor: Visitor,
    role: PhantomData<R>,
}

pub type SignedIn = RequireRole<AnyRole>;
pub type RequireAuthor = RequireRole<AuthorRole>;
pub type RequireEditor = RequireRole<EditorRole>;
pub type RequireAdmin = RequireRole<AdminRole>;

impl<R: MinimumRole> FromRequest for RequireRole<R> {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<RequireRole<R>, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let visitor = Visitor::from_request_parts(&req).await?;
            let Some(user) = visitor.user.clone() else {
                let here = match req.uri().path_and_query() {
                    Some(pq) => pq.as_str().to_owned(),
                    None => req.path().to_owned(),
                };
                return Err(AppError::LoginRequired(here));
            };
            if !user.role().at_least(R::ROLE) {
                return Err(AppError::Forbidden(
                    "Your account does not have permission to see this page.".to_owned(),
                ));
            }
            Ok(RequireRole {
                user,
                visitor,
                role: PhantomData,
            })
        })
    }
}
