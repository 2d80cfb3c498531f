use app::organisation::dto::UnitKind;
use clap::{Parser, Subcommand};
use server::cli::{self, CliError};
use server::config::Config;
use server::database::connect_and_migrate;
use server::startup::Application;
use std::process::ExitCode;

/// The server's allocator. Drawing a page allocates and frees thousands of small strings and
/// a few growing buffers across threads, which the C library's allocator made a large part of
/// a list page's time (bench/README.md, "Lists at 100k rows").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Onboard: invite staff into your quality and HR system.
#[derive(Parser)]
#[command(version, about)]
struct Args {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (the default).
    Serve,
    /// Create a Corporate Admin; the password is read from standard input.
    CreateAdmin {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
    },
    /// Add a department.
    AddDepartment {
        #[arg(long)]
        name: String,
    },
    /// Add a location.
    AddLocation {
        #[arg(long)]
        name: String,
    },
    /// Seed a demo organisation into an empty database and print how to sign in.
    SeedDemo,
    /// Time one password hash on this machine (the median of `--samples`), and print the most
    /// sign-ups per second its cores could take.
    MeasureHash {
        #[arg(long, default_value_t = 15)]
        samples: u32,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,sea_orm=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(err) => {
            eprintln!("configuration error: {err}");
            return ExitCode::from(2);
        }
    };
    match run(args.command.unwrap_or(Command::Serve), config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    if let Command::Serve = command {
        let app = Application::build(config).await?;
        tracing::info!(port = app.port(), "Onboard is listening");
        app.run_until_stopped().await?;
        return Ok(());
    }
    if let Command::MeasureHash { samples } = command {
        let one = app::domain::password::time_one_hash(samples.max(1)).await;
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        println!("hash_ms={:.1} cores={cores} ceiling_per_s={:.1}", one.as_secs_f64() * 1e3, cores as f64 / one.as_secs_f64());
        return Ok(());
    }
    let db = connect_and_migrate(&config).await?;
    let outcome: Result<(), CliError> = async {
        match command {
            Command::Serve | Command::MeasureHash { .. } => unreachable!("handled above"),
            Command::CreateAdmin { email, name } => {
                let password = cli::read_new_password(&email)?;
                let user = cli::create_admin(&db, &email, &name, password).await?;
                println!("Created Corporate Admin {} (id {}).", user.email.unwrap_or_default(), user.id);
            }
            Command::AddDepartment { name } => {
                let id = cli::add(&db, UnitKind::Department, &name).await?;
                println!("Added department {name:?} (id {id}).");
            }
            Command::AddLocation { name } => {
                let id = cli::add(&db, UnitKind::Location, &name).await?;
                println!("Added location {name:?} (id {id}).");
            }
            Command::SeedDemo => {
                for line in cli::seed_demo(&db, &config.data_dir).await? {
                    println!("{line}");
                }
            }
        }
        Ok(())
    }
    .await;
    outcome.map_err(anyhow::Error::from)
}
