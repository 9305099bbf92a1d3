//! The one settings form every settings page uses: a page is a table of settings (key,
//! label, help); each is shown with the control of its `Kind` and checked with
//! `settings::validate`. A refused form comes back with every value as typed, a message
//! next to each wrong one, and nothing saved.

use std::collections::HashMap;

use actix_web::HttpResponse;
use askama::Template;

use crate::accounts::visitor::RequireAdmin;
use crate::admin::menu::AdminMenu;
use crate::db::Db;
use crate::error::AppError;
use crate::settings::{self, Definition, Kind};
use crate::shop::money::{self, Cents};
use crate::web::forms::{FieldErrors, Refusal, private_page, see_other};
use crate::web::layout::{HeaderInfo, Layout};

/// How a setting is typed, when not by the control of its kind.
#[derive(Clone, Copy)]
pub enum Input {
    /// Text, number, checkbox, select or textarea, from the setting's `Kind`.
    Auto,
    /// Stored in cents, typed as an amount ("4.95"); the field's name drops `_cents`.
    Money,
}

/// One setting on a page.
pub struct Field {
    pub key: &'static str,
    pub label: &'static str,
    pub help: &'static str,
    pub input: Input,
    /// The text a select shows for each stored value.
    pub option_label: fn(&str) -> String,
}

impl Field {
    /// A setting shown with the control of its kind.
    pub const fn new(key: &'static str, label: &'static str, help: &'static str) -> Field {
        Field {
            key,
            label,
            help,
            input: Input::Auto,
            option_label: same,
        }
    }

    pub const fn money(key: &'static str, label: &'static str, help: &'static str) -> Field {
        Field {
            input: Input::Money,
            ..Field::new(key, label, help)
        }
    }

    pub const fn options(self, option_label: fn(&str) -> String) -> Field {
        Field {
            option_label,
            ..self
        }
    }

    /// The name of its form field.
    fn name(&self) -> &'static str {
        match self.input {
            Input::Money => self.key.strip_suffix("_cents").unwrap_or(self.key),
            Input::Auto => self.key,
        }
    }

    fn definition(&self) -> Option<&'static Definition> {
        settings::DEFINITIONS.iter().find(|d| d.key == self.key)
    }
}

fn same(value: &str) -> String {
    value.to_owned()
}

/// A settings page: where it is and what it holds.
pub struct SettingsPage {
    pub href: &'static str,
    pub heading: &'static str,
    pub title: &'static str,
    /// The notice after a save.
    pub saved: &'static str,
    pub fields: &'static [Field],
}

/// One control as the template draws it.
pub struct FieldView {
    pub name: &'static str,
    pub label: &'static str,
    pub help: &'static str,
    /// "text", "number", "checkbox", "select" or "textarea".
    pub control: &'static str,
    pub value: String,
    pub checked: bool,
    /// (value, text, selected)
    pub options: Vec<(String, String, bool)>,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/settings_form.html")]
struct FormPage {
    layout: Layout,
    menu: AdminMenu,
    csrf_token: String,
    heading: &'static str,
    action: &'static str,
    fields: Vec<FieldView>,
    refused: bool,
}

/// What the form shows for each field: its name → the text in the control ("" or "1" for
/// a checkbox).
type Values = HashMap<&'static str, String>;

/// The values in effect, in the form they are typed.
fn current(page: &SettingsPage, stored: &[(&'static Definition, String)]) -> Values {
    page.fields
        .iter()
        .map(|field| {
            let value = stored
                .iter()
                .find(|(d, _)| d.key == field.key)
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            let shown = match (field.input, field.definition().map(|d| d.kind)) {
                (Input::Money, _) => Cents(value.parse().unwrap_or(0)).plain(),
                (_, Some(Kind::Bool)) => if value == "1" { "1" } else { "" }.to_owned(),
                _ => value,
            };
            (field.name(), shown)
        })
        .collect()
}

fn views(page: &SettingsPage, mut values: Values, errors: &FieldErrors) -> Vec<FieldView> {
    page.fields
        .iter()
        .filter_map(|field| {
            let def = field.definition()?;
            let value = values.remove(field.name()).unwrap_or_default();
            let mut options = Vec::new();
            let control = match (field.input, def.kind) {
                (Input::Money, _) | (_, Kind::Text { .. }) => "text",
                // A text field, so a refused "abc" can be shown as typed (valid HTML).
                (_, Kind::Int { .. }) => "number",
                (_, Kind::Bool) => "checkbox",
                (_, Kind::Lines { .. }) => "textarea",
                (_, Kind::Choice(choices)) => {
                    options = choices
                        .iter()
                        .map(|c| ((*c).to_owned(), (field.option_label)(c), *c == value))
                        .collect();
                    "select"
                }
                (_, Kind::TimeZone) => {
                    options = settings::time_zones()
                        .iter()
                        .map(|zone| (zone.clone(), (field.option_label)(zone), *zone == value))
                        .collect();
                    "select"
                }
            };
            Some(FieldView {
                name: field.name(),
                label: field.label,
                help: field.help,
                control,
                checked: !value.is_empty(),
                value,
                options,
                error: errors.get(field.name()).map(str::to_owned),
            })
        })
        .collect()
}

fn render(
    page: &SettingsPage,
    admin: &RequireAdmin,
    layout: Layout,
    values: Values,
    refusal: Refusal,
) -> Result<HttpResponse, AppError> {
    let form = FormPage {
        layout,
        menu: AdminMenu::new(admin.user.role(), page.href),
        csrf_token: admin.visitor.session.csrf_token(),
        heading: page.heading,
        action: page.href,
        fields: views(page, values, &refusal.fields),
        refused: !refusal.fields.is_empty(),
    };
    private_page(refusal.status, &form)
}

/// The page's layout and the values in effect, as typed.
async fn load(
    page: &'static SettingsPage,
    db: &Db,
    admin: &RequireAdmin,
) -> Result<(Layout, Values), AppError> {
    let header = HeaderInfo::of(&admin.visitor);
    let (layout, stored) = db
        .run(move |conn| {
            let layout = Layout::load(conn, header, Some(page.title))?;
            Ok((layout, settings::current_values(conn)?))
        })
        .await?;
    Ok((layout, current(page, &stored)))
}

/// GET: the form with the values in effect.
pub async fn show(
    page: &'static SettingsPage,
    db: &Db,
    admin: &RequireAdmin,
) -> Result<HttpResponse, AppError> {
    let (layout, values) = load(page, db, admin).await?;
    render(page, admin, layout, values, Refusal::default())
}

/// The stored form of what was typed for `field`, or the message for the person.
fn check(field: &Field, def: &Definition, typed: &str) -> Result<String, String> {
    match field.input {
        Input::Money => {
            let cents = money::parse(typed).map_err(|e| format!("{e}."))?;
            settings::validate(def.key, &cents.0.to_string()).map_err(|_| match def.kind {
                Kind::Int { max, .. } => {
                    format!("{} can be at most {}.", def.label, Cents(max).plain())
                }
                _ => format!("{} is not an amount this shop can use.", def.label),
            })
        }
        Input::Auto => settings::validate(def.key, typed).map_err(|e| e.to_string()),
    }
}

/// POST: checks every field of the page; saves them all, or none.
pub async fn submit(
    page: &'static SettingsPage,
    db: &Db,
    admin: &RequireAdmin,
    form: HashMap<String, String>,
) -> Result<HttpResponse, AppError> {
    let (layout, mut values) = load(page, db, admin).await?;
    let mut errors = FieldErrors::default();
    let mut valid = Vec::new();
    for field in page.fields {
        let Some(def) = field.definition() else {
            continue;
        };
        let is_checkbox = matches!((field.input, def.kind), (Input::Auto, Kind::Bool));
        let typed = match form.get(field.name()) {
            Some(typed) => typed.clone(),
            // An unticked checkbox sends nothing.
            None if is_checkbox => String::new(),
            // A form without the field (an older copy of the page) leaves it as it is.
            None => values.get(field.name()).cloned().unwrap_or_default(),
        };
        let to_check = match (is_checkbox, typed.is_empty()) {
            (true, true) => "0",
            _ => typed.as_str(),
        };
        match check(field, def, to_check) {
            Ok(value) => valid.push((def.key, value)),
            Err(message) => errors.add(field.name(), message),
        }
        values.insert(field.name(), typed);
    }
    if !errors.is_empty() {
        return render(page, admin, layout, values, Refusal::fields(errors));
    }
    db.write_content(move |conn| {
        conn.write_transaction(|conn| {
            for (key, value) in &valid {
                settings::set(conn, key, value)?;
            }
            Ok::<_, anyhow::Error>(())
        })?;
        Ok(())
    })
    .await?;
    admin.visitor.session.flash(page.saved);
    Ok(see_other(page.href))
}

/// The handlers of one page: `page_handlers!(PAGE)` in a page's module defines `show` and
/// `submit` for its routes.
macro_rules! page_handlers {
    ($page:path) => {
        pub async fn show(
            db: actix_web::web::Data<crate::db::Db>,
            admin: crate::accounts::visitor::RequireAdmin,
        ) -> Result<actix_web::HttpResponse, crate::error::AppError> {
            crate::admin::settings::form::show(&$page, &db, &admin).await
        }

        pub async fn submit(
            db: actix_web::web::Data<crate::db::Db>,
            admin: crate::accounts::visitor::RequireAdmin,
            form: actix_web::web::Form<std::collections::HashMap<String, String>>,
        ) -> Result<actix_web::HttpResponse, crate::error::AppError> {
            crate::admin::settings::form::submit(&$page, &db, &admin, form.into_inner()).await
        }
    };
}
pub(crate) use page_handlers;
