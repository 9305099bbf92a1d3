//! Settings → Shop: the flat shipping rate, the free-shipping threshold (typed in dollars,
//! stored in cents) and guest checkout. Administrators only.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::accounts::visitor::RequireAdmin;
use crate::admin::menu::AdminMenu;
use crate::db::Db;
use crate::error::AppError;
use crate::settings;
use crate::shop::money::{self, Cents};
use crate::web::forms::{FieldErrors, Refusal, private_page, see_other};
use crate::web::layout::Layout;

#[derive(Deserialize, Default)]
pub struct ShopForm {
    #[serde(default)]
    shipping_flat_rate: String,
    #[serde(default)]
    free_shipping_threshold: String,
    guest_checkout: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/shop_settings.html")]
struct ShopSettingsPage {
    layout: Layout,
    menu: AdminMenu,
    csrf_token: String,
    form: ShopForm,
    errors: FieldErrors,
}

async fn render(
    db: &Db,
    admin: &RequireAdmin,
    typed: Option<ShopForm>,
    refusal: Refusal,
) -> Result<HttpResponse, AppError> {
    let layout = Layout::for_visitor(db, &admin.visitor, "Shop settings").await?;
    let current = &layout.settings;
    let form = typed.unwrap_or_else(|| ShopForm {
        shipping_flat_rate: Cents(current.shipping_flat_rate_cents).plain(),
        free_shipping_threshold: Cents(current.free_shipping_threshold_cents).plain(),
        guest_checkout: current.guest_checkout.then(|| "1".to_owned()),
    });
    let page = ShopSettingsPage {
        layout,
        menu: AdminMenu::new(admin.user.role(), "/admin/settings/shop"),
        csrf_token: admin.visitor.session.csrf_token(),
        form,
        errors: refusal.fields,
    };
    private_page(refusal.status, &page)
}

pub async fn show(db: web::Data<Db>, admin: RequireAdmin) -> Result<HttpResponse, AppError> {
    render(&db, &admin, None, Refusal::default()).await
}

pub async fn submit(
    db: web::Data<Db>,
    admin: RequireAdmin,
    form: web::Form<ShopForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let mut errors = FieldErrors::default();
    let mut values = Vec::new();
    let amounts = [
        (
            "shipping_flat_rate",
            "shipping_flat_rate_cents",
            &form.shipping_flat_rate,
        ),
        (
            "free_shipping_threshold",
            "free_shipping_threshold_cents",
            &form.free_shipping_threshold,
        ),
    ];
    for (field, key, typed) in amounts {
        match money::parse(typed).map(|cents| settings::validate(key, &cents.0.to_string())) {
            Ok(Ok(stored)) => values.push((key, stored)),
            Ok(Err(_)) => errors.add(field, "That amount is too large."),
            Err(e) => errors.add(field, e.to_string()),
        }
    }
    let guest = if form.guest_checkout.is_some() {
        "1"
    } else {
        "0"
    };
    values.push(("guest_checkout", guest.to_owned()));
    if !errors.is_empty() {
        return render(&db, &admin, Some(form), Refusal::fields(errors)).await;
    }
    db.write(move |conn| {
        for (key, value) in &values {
            settings::set(conn, key, value)?;
        }
        Ok(())
    })
    .await?;
    admin.visitor.session.flash("Shop settings saved.");
    Ok(see_other("/admin/settings/shop"))
}
