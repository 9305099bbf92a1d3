//! Coupons in the back office: the list with their use, the editor (code, fixed or percent,
//! amount, expiry in the site's time zone, usage limit) and "Expire now". Editors and
//! administrators.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use diesel::prelude::*;
use serde::Deserialize;

use crate::accounts::visitor::RequireEditor;
use crate::admin::menu::AdminMenu;
use crate::db::schema::coupons;
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::shop::coupons::{Coupon, FIXED, PERCENT, normalise};
use crate::shop::money::{self, Cents, Currency};
use crate::web::dates::{self, DateStyle};
use crate::web::forms::{FieldErrors, Refusal, Refused, private_page, see_other};
use crate::web::layout::{HeaderInfo, Layout};

pub struct CouponRow {
    pub id: i32,
    pub code: String,
    pub discount: String,
    pub expiry: String,
    pub usage: String,
    pub state: &'static str,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "admin/coupons.html")]
struct ListPage {
    layout: Layout,
    menu: AdminMenu,
    csrf_token: String,
    rows: Vec<CouponRow>,
}

pub async fn list(db: web::Data<Db>, editor: RequireEditor) -> Result<HttpResponse, AppError> {
    let header = HeaderInfo::of(&editor.visitor);
    let (layout, found) = db
        .run(move |conn| {
            let layout = Layout::load(conn, header, Some("Coupons"))?;
            let found: Vec<Coupon> = coupons::table
                .order(coupons::code)
                .select(Coupon::as_select())
                .load(conn)?;
            Ok((layout, found))
        })
        .await?;
    let style = DateStyle::of(&layout.settings);
    let now = dates::now();
    let rows = found
        .iter()
        .map(|c| {
            let problem = c.problem(now);
            CouponRow {
                id: c.id,
                code: c.code.clone(),
                discount: c.label(layout.money),
                expiry: c
                    .expires_at
                    .map_or("Never".to_owned(), |at| style.date_time(at)),
                usage: match c.usage_limit {
                    Some(limit) => format!("{} of {limit}", c.used_count),
                    None => format!("{} (no limit)", c.used_count),
                },
                state: match &problem {
                    None => "Active",
                    Some(p) if p.contains("expired") => "Expired",
                    Some(_) => "Used up",
                },
                active: problem.is_none(),
            }
        })
        .collect();
    let page = ListPage {
        layout,
        menu: AdminMenu::new(editor.user.role(), "/admin/coupons"),
        csrf_token: editor.visitor.session.csrf_token(),
        rows,
    };
    private_page(StatusCode::OK, &page)
}

#[derive(Deserialize, Default, Clone)]
pub struct CouponForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    expires_at: String,
    #[serde(default)]
    usage_limit: String,
}

struct Valid {
    code: String,
    kind: &'static str,
    amount: i64,
    expires_at: Option<time::PrimitiveDateTime>,
    usage_limit: Option<i32>,
}

fn check(form: &CouponForm, style: &DateStyle) -> Result<Valid, Refusal> {
    let mut errors = FieldErrors::default();
    let code = normalise(&form.code);
    if code.is_empty() {
        errors.add("code", "Give the coupon a code, e.g. SUMMER10.");
    } else if code.chars().count() < 3
        || code.chars().count() > 32
        || !code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        errors.add(
            "code",
            "A code is 3 to 32 letters, digits, hyphens or underscores (shoppers may type it in any case).",
        );
    }
    let kind = match form.kind.as_str() {
        PERCENT => PERCENT,
        FIXED => FIXED,
        _ => {
            errors.add("kind", "Choose a fixed amount or a percentage.");
            FIXED
        }
    };
    let amount = if kind == PERCENT {
        match form
            .amount
            .trim()
            .trim_end_matches('%')
            .trim()
            .parse::<i64>()
        {
            Ok(n) if (1..=100).contains(&n) => n,
            _ => {
                errors.add("amount", "Enter a whole percentage from 1 to 100, e.g. 10.");
                0
            }
        }
    } else {
        match money::parse(&form.amount) {
            Ok(Cents(0)) | Err(_) => {
                errors.add("amount", "Enter an amount like 5.00.");
                0
            }
            Ok(cents) => cents.0,
        }
    };
    let expires_at = match form.expires_at.trim() {
        "" => None,
        typed => match style.parse_input(typed) {
            Some(at) => Some(at),
            None => {
                errors.add(
                    "expires_at",
                    "Enter a date and time like 2026-12-31 23:59, or leave it empty for no expiry.",
                );
                None
            }
        },
    };
    let usage_limit = match form.usage_limit.trim() {
        "" => None,
        typed => match typed.parse::<i32>() {
            Ok(n) if n >= 1 => Some(n),
            _ => {
                errors.add(
                    "usage_limit",
                    "Enter how many orders may use it (1 or more), or leave it empty for no limit.",
                );
                None
            }
        },
    };
    Refusal::unless_any(errors)?;
    Ok(Valid {
        code,
        kind,
        amount,
        expires_at,
        usage_limit,
    })
}

fn save(conn: &mut DbConn, id: Option<i32>, valid: &Valid) -> Result<i32, Refused> {
    conn.write_transaction(|conn| {
        let mut taken = coupons::table
            .filter(coupons::code.eq(&valid.code))
            .select(coupons::id)
            .into_boxed();
        if let Some(id) = id {
            taken = taken.filter(coupons::id.ne(id));
        }
        if taken.first::<i32>(conn).optional()?.is_some() {
            return Err(Refusal::field(
                "code",
                format!("There is already a coupon {}.", valid.code),
            )
            .into());
        }
        if let Some(id) = id {
            let current: Coupon = coupons::table
                .find(id)
                .select(Coupon::as_select())
                .first(conn)
                .optional()?
                .ok_or(AppError::NotFound)?;
            // Orders name their coupon by code (a cancelled one gives its use back by it).
            if current.used_count > 0 && current.code != valid.code {
                return Err(Refusal::field(
                    "code",
                    format!(
                        "Orders have used {}, so its code stays. Expire it and add a new coupon instead.",
                        current.code
                    ),
                )
                .into());
            }
            diesel::update(coupons::table.find(id))
                .set((
                    coupons::code.eq(&valid.code),
                    coupons::kind.eq(valid.kind),
                    coupons::amount.eq(valid.amount),
                    coupons::expires_at.eq(valid.expires_at),
                    coupons::usage_limit.eq(valid.usage_limit),
                ))
                .execute(conn)?;
            return Ok(id);
        }
        let new = crate::shop::coupons::NewCoupon {
            code: &valid.code,
            kind: valid.kind,
            amount: valid.amount,
            expires_at: valid.expires_at,
            usage_limit: valid.usage_limit,
        };
        Ok(crate::shop::coupons::insert(conn, &new)?)
    })
}

#[derive(Template)]
#[template(path = "admin/coupon_edit.html")]
struct EditPage {
    layout: Layout,
    menu: AdminMenu,
    csrf_token: String,
    id: Option<i32>,
    form: CouponForm,
    used: Option<String>,
    expired: bool,
    expiry_hint: String,
    currency_symbol: &'static str,
    errors: FieldErrors,
    message: Option<String>,
}

async fn render_edit(
    db: &Db,
    editor: &RequireEditor,
    id: Option<i32>,
    typed: Option<CouponForm>,
    refusal: Refusal,
) -> Result<HttpResponse, AppError> {
    let header = HeaderInfo::of(&editor.visitor);
    let (layout, coupon) = db
        .run(move |conn| {
            let coupon = match id {
                Some(id) => Some(
                    coupons::table
                        .find(id)
                        .select(Coupon::as_select())
                        .first(conn)
                        .optional()?
                        .ok_or(AppError::NotFound)?,
                ),
                None => None,
            };
            Ok((Layout::load(conn, header, Some("Coupons"))?, coupon))
        })
        .await?;
    let style = DateStyle::of(&layout.settings);
    let form = match (typed, &coupon) {
        (Some(typed), _) => typed,
        (None, Some(c)) => CouponForm {
            code: c.code.clone(),
            kind: c.kind.clone(),
            amount: if c.kind == PERCENT {
                c.amount.to_string()
            } else {
                Cents(c.amount).plain()
            },
            expires_at: c
                .expires_at
                .map(|at| style.input_value(at))
                .unwrap_or_default(),
            usage_limit: c.usage_limit.map(|n| n.to_string()).unwrap_or_default(),
        },
        (None, None) => CouponForm {
            kind: PERCENT.to_owned(),
            ..CouponForm::default()
        },
    };
    let title = match &coupon {
        Some(c) => format!("Coupon {}", c.code),
        None => "Add a coupon".to_owned(),
    };
    let now = dates::now();
    let page = EditPage {
        menu: AdminMenu::new(editor.user.role(), "/admin/coupons"),
        csrf_token: editor.visitor.session.csrf_token(),
        id,
        used: coupon.as_ref().map(|c| match c.usage_limit {
            Some(limit) => format!("Used {} of {limit} times.", c.used_count),
            None => format!("Used {} times (no limit).", c.used_count),
        }),
        expired: coupon
            .as_ref()
            .is_some_and(|c| c.expires_at.is_some_and(|at| at <= now)),
        expiry_hint: format!(
            "In the site's time zone ({}). Empty: never.",
            layout.settings.timezone
        ),
        currency_symbol: Currency::of(&layout.settings).symbol(),
        form,
        errors: refusal.fields,
        message: refusal.message,
        layout: layout.titled(&title),
    };
    private_page(refusal.status, &page)
}

pub async fn new(db: web::Data<Db>, editor: RequireEditor) -> Result<HttpResponse, AppError> {
    render_edit(&db, &editor, None, None, Refusal::default()).await
}

pub async fn edit(
    db: web::Data<Db>,
    editor: RequireEditor,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    render_edit(
        &db,
        &editor,
        Some(id.into_inner()),
        None,
        Refusal::default(),
    )
    .await
}

pub async fn create(
    db: web::Data<Db>,
    editor: RequireEditor,
    form: web::Form<CouponForm>,
) -> Result<HttpResponse, AppError> {
    submit(db, editor, None, form.into_inner()).await
}

pub async fn update(
    db: web::Data<Db>,
    editor: RequireEditor,
    id: web::Path<i32>,
    form: web::Form<CouponForm>,
) -> Result<HttpResponse, AppError> {
    submit(db, editor, Some(id.into_inner()), form.into_inner()).await
}

async fn submit(
    db: web::Data<Db>,
    editor: RequireEditor,
    id: Option<i32>,
    form: CouponForm,
) -> Result<HttpResponse, AppError> {
    let style = db
        .run(|conn| Ok(DateStyle::of(&crate::settings::Settings::load(conn)?)))
        .await?;
    let valid = match check(&form, &style) {
        Ok(valid) => valid,
        Err(refusal) => return render_edit(&db, &editor, id, Some(form), refusal).await,
    };
    let code = valid.code.clone();
    match db
        .write_content(move |conn| Ok(save(conn, id, &valid)))
        .await?
    {
        Ok(saved) => {
            editor
                .visitor
                .session
                .flash(&format!("Coupon {code} saved."));
            Ok(see_other(&format!("/admin/coupons/{saved}")))
        }
        Err(refused) => {
            let refusal = refused.into_refusal()?;
            render_edit(&db, &editor, id, Some(form), refusal).await
        }
    }
}

/// "Expire now": the coupon stops working from this moment (its history stays).
pub async fn expire(
    db: web::Data<Db>,
    editor: RequireEditor,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let code: Option<String> = db
        .write_content(move |conn| {
            let now = dates::now();
            let code: Option<String> = coupons::table
                .find(id)
                .select(coupons::code)
                .first(conn)
                .optional()?;
            diesel::update(
                coupons::table.find(id).filter(
                    coupons::expires_at
                        .is_null()
                        .or(coupons::expires_at.gt(now)),
                ),
            )
            .set(coupons::expires_at.eq(Some(now)))
            .execute(conn)?;
            Ok(code)
        })
        .await?;
    let code = code.ok_or(AppError::NotFound)?;
    editor
        .visitor
        .session
        .flash(&format!("Coupon {code} has expired: it no longer applies."));
    Ok(see_other("/admin/coupons"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(code: &str, kind: &str, amount: &str) -> CouponForm {
        CouponForm {
            code: code.into(),
            kind: kind.into(),
            amount: amount.into(),
            ..CouponForm::default()
        }
    }

    #[test]
    fn codes_kinds_and_amounts_are_checked() {
        let style = DateStyle::new("Europe/Paris", "Y-m-d");
        let valid = check(&form(" summer10 ", PERCENT, "10%"), &style).expect("valid");
        assert_eq!((valid.code.as_str(), valid.amount), ("SUMMER10", 10));
        let valid = check(&form("FIVE", FIXED, "5,00"), &style).expect("valid");
        assert_eq!(valid.amount, 500);
        let refused = check(&form("a b", PERCENT, "150"), &style)
            .err()
            .expect("refused");
        assert!(refused.fields.get("code").is_some());
        assert!(refused.fields.get("amount").is_some());
        let mut timed = form("TIMED", FIXED, "5");
        timed.expires_at = "2026-12-31T23:59".into();
        let expected = dates::parse("2026-12-31 22:59:00").ok();
        assert_eq!(
            check(&timed, &style).ok().and_then(|v| v.expires_at),
            expected
        );
        timed.expires_at = "soon".into();
        assert!(
            check(&timed, &style)
                .err()
                .unwrap()
                .fields
                .get("expires_at")
                .is_some()
        );
    }
}
