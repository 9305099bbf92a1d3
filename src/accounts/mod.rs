//! Reader accounts: registration, login, sessions, password reset, the account page, and
//! the role checks every other domain uses.

mod account_page;
pub mod email;
pub mod grants;
pub mod login;
pub mod password;
pub mod password_policy;
mod register;
pub mod remember;
pub mod reset;
pub mod session;
pub mod setup;
pub mod throttle;
pub mod users;
pub mod validate;
pub mod visitor;

use actix_web::web;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/login", web::get().to(login::show))
        .service(
            // The login may carry an editor's draft (see `login::session_expired`).
            web::resource("/login")
                .guard(actix_web::guard::Post())
                .app_data(crate::web::forms::form_config(
                    crate::web::csrf::EDITOR_FORM_BYTES,
                ))
                .to(login::submit),
        )
        .route("/logout", web::post().to(login::logout))
        .route("/register", web::get().to(register::show))
        .route("/register", web::post().to(register::submit))
        .route("/account", web::get().to(account_page::show))
        .route(
            "/account/profile",
            web::post().to(account_page::update_profile),
        )
        .route("/account/email", web::post().to(account_page::update_email))
        .route(
            "/account/password",
            web::post().to(account_page::update_password),
        )
        .route("/forgot-password", web::get().to(reset::show_request))
        .route("/forgot-password", web::post().to(reset::submit_request))
        .route("/reset-password", web::get().to(reset::show_reset))
        .route("/reset-password", web::post().to(reset::submit_reset))
        .route("/setup", web::get().to(setup::show))
        .route("/setup", web::post().to(setup::submit));
}
