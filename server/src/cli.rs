//! Admin subcommands of the server binary.

use app::auth::service::{NewAccount, create_account};
use app::domain::Role;
use app::domain::email::WorkEmail;
use app::domain::password::NewPassword;
use app::error::AppError;
use app::organisation::dto::UnitKind;
use app::organisation::service::add_unit;
use app::ssr::entities::user;
use chrono::Utc;
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait, TransactionTrait};
use std::io::{BufRead, IsTerminal};
use std::path::Path;

/// A failed admin command: the message is shown as is.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct CliError(pub String);

impl From<AppError> for CliError {
    fn from(err: AppError) -> Self {
        CliError(err.to_string())
    }
}

impl From<sea_orm::DbErr> for CliError {
    fn from(err: sea_orm::DbErr) -> Self {
        CliError(format!("database error: {err}"))
    }
}

/// Reads the new password from standard input: prompted twice without echo on a terminal,
/// one line when piped.
pub fn read_new_password(email: &str) -> Result<NewPassword, CliError> {
    let password = if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password (at least 12 characters): ")
            .map_err(|e| CliError(format!("cannot read the password: {e}")))?;
        let second = rpassword::prompt_password("Repeat the password: ")
            .map_err(|e| CliError(format!("cannot read the password: {e}")))?;
        if first != second {
            return Err(CliError("the two passwords differ".into()));
        }
        first
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| CliError(format!("cannot read the password from standard input: {e}")))?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    };
    NewPassword::parse(password, email).map_err(|msg| CliError(format!("password: {msg}")))
}

/// Creates a Corporate Admin.
pub async fn create_admin(db: &DatabaseConnection, email: &str, name: &str, password: NewPassword) -> Result<user::Model, CliError> {
    let email = WorkEmail::parse(email).map_err(|msg| CliError(format!("email: {msg}")))?;
    let account = NewAccount {
        email,
        name: name.to_owned(),
        role: Role::CorporateAdmin,
        department_id: None,
        location_id: None,
        password,
    };
    Ok(create_account(db, account, Utc::now()).await?)
}

/// Adds a department or location, with its audit event (done by the operator).
pub async fn add(db: &DatabaseConnection, kind: UnitKind, name: &str) -> Result<i32, CliError> {
    let txn = db.begin().await?;
    let unit = add_unit(&txn, kind, name, Utc::now()).await?;
    txn.commit().await?;
    Ok(unit.id)
}

/// Seeds a demo organisation into an empty database and answers the lines to print.
pub async fn seed_demo(db: &DatabaseConnection, data_dir: &Path) -> Result<Vec<String>, CliError> {
    let password_file = data_dir.join("demo-admin-password.txt");
    if user::Entity::find().count(db).await? > 0 {
        let mut lines = vec!["The database already has users; the demo organisation was not added.".to_owned()];
        if let Ok(saved) = std::fs::read_to_string(&password_file) {
            lines.push(format!("Demo sign-in: admin@example.com / {}", saved.trim()));
        }
        return Ok(lines);
    }
    let password = demo_password();
    let now = Utc::now();
    let txn = db.begin().await?;
    let mut departments = Vec::new();
    for name in ["Quality", "HR", "Production", "Maintenance"] {
        departments.push(add_unit(&txn, UnitKind::Department, name, now).await?.id);
    }
    let mut locations = Vec::new();
    for name in ["Plant North", "Plant South"] {
        locations.push(add_unit(&txn, UnitKind::Location, name, now).await?.id);
    }
    let people = [
        ("admin@example.com", "Alex Morgan", Role::CorporateAdmin, None, None),
        ("quality.admin@example.com", "Priya Shah", Role::QualityAdmin, Some(departments[0]), Some(locations[0])),
        ("hr.admin@example.com", "Tom Walsh", Role::HrAdmin, Some(departments[1]), Some(locations[0])),
        ("lead@example.com", "Maria Costa", Role::TeamLead, Some(departments[2]), Some(locations[1])),
        ("inspector@example.com", "Sam Okafor", Role::Employee, Some(departments[0]), Some(locations[1])),
    ];
    for (email, name, role, department_id, location_id) in people {
        let account = NewAccount {
            email: WorkEmail::parse(email).map_err(CliError)?,
            name: name.into(),
            role,
            department_id,
            location_id,
            password: NewPassword::parse(password.clone(), email).map_err(CliError)?,
        };
        create_account(&txn, account, now).await?;
    }
    txn.commit().await?;
    write_private(&password_file, &password)?;
    Ok(vec![
        "Seeded a demo organisation: 4 departments, 2 locations, 5 people.".to_owned(),
        format!("Sign in as the Corporate Admin: admin@example.com / {password}"),
        format!("(Every demo account uses the same password; it is saved in {}.)", password_file.display()),
    ])
}

/// A random password for the demo accounts, readable aloud.
fn demo_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the OS random generator is available");
    let chars: Vec<char> = bytes.iter().map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char).collect();
    chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-")
}

fn write_private(path: &Path, content: &str) -> Result<(), CliError> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(|e| CliError(format!("cannot write {}: {e}", path.display())))?;
    writeln!(file, "{content}").map_err(|e| CliError(format!("cannot write {}: {e}", path.display())))
}
