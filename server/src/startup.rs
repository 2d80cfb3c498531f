//! Building the application: database, migrations, state, router, listener.

use crate::config::Config;
use crate::{import_files, invitation_link, mail_capture};
use crate::middleware::{
    error_status, guard_upload, refuse_cross_site, refuse_unknown_fields, request_span, resolve_viewer, secret_headers,
};
use app::invitations::service::InvitationWriter;
use app::mail::outbox::OutboxSignal;
use app::mail::{Mailer, worker};
use app::ssr::supervise::supervise;
use app::ssr::{Clock, Settings, SystemClock};
use app::state::AppState;
use axum::extract::DefaultBodyLimit;
use std::path::PathBuf;
use app::{App, shell};
use axum::Router;
use axum::serve::ListenerExt;
use axum::routing::get;
use http::{HeaderName, HeaderValue, header};
use leptos_axum::{LeptosRoutes, generate_route_list};
use crate::database::{connect_and_migrate, connect_writer};
use std::sync::Arc;
use tokio::net::TcpListener;
use tower_http::set_header::SetResponseHeaderLayer;

pub struct Application {
    listener: TcpListener,
    router: Router,
    pub state: AppState,
    /// The invitation writer every request reaches as an extension of its own.
    pub invitations: InvitationWriter,
}

impl Application {
    /// Connects, migrates, and binds `LEPTOS_SITE_ADDR` (port 0 picks a free port).
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        Self::build_with_clock(config, Arc::new(SystemClock)).await
    }

    pub async fn build_with_clock(config: Config, clock: Arc<dyn Clock>) -> anyhow::Result<Self> {
        let db = connect_and_migrate(&config).await?;
        let writer_db = connect_writer(&config).await?;
        // People from before search existed (or from the CLI of an older version) get the
        // words Users finds them by; quick when everyone has them.
        let indexed = app::ssr::models::search_terms::backfill(&db).await?;
        if indexed > 0 {
            tracing::info!(people = indexed, "indexed people for search");
        }
        let listener = TcpListener::bind(config.site_addr)
            .await
            .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", config.site_addr))?;
        if let Some(jobs) = config.password_hash_queue
            && !app::domain::password::set_queue_capacity(jobs)
        {
            tracing::warn!("PASSWORD_HASH_QUEUE comes too late: password hashing had already started");
        }
        let settings = Arc::new(Settings {
            public_url: config.public_url.clone(),
            organisation_name: config.organisation_name.clone(),
            invite_ttl: config.invite_ttl,
            invite_reminder: config.invite_reminder,
            reset_ttl: config.reset_ttl,
            session_ttl: config.session_ttl,
            invite_rate_limit: config.invite_rate_limit,
            trusted_proxies: config.trusted_proxies.clone(),
        });
        let outbox = OutboxSignal::default();
        let invitations = InvitationWriter::start(writer_db.clone(), settings.clone(), outbox.clone());
        let state = AppState {
            db,
            settings,
            clock,
            decoy_hash: app::domain::password::decoy_hash().await.into(),
            outbox,
        };
        let mailer = Mailer::new(
            config.smtp_url.as_ref().map(|u| u.as_str()),
            config.data_dir.join("mail"),
            &config.mail_from,
            config.smtp_timeout,
        )
        .map_err(|e| anyhow::anyhow!(e))?;
        match mailer.capture_dir() {
            Some(dir) => tracing::warn!(
                folder = %dir.display(),
                "SMTP_URL is not set: mail is captured to files and listed at /mail for this machine only"
            ),
            None => tracing::info!("mail goes out over SMTP"),
        }
        let router = router(&config, state.clone(), mailer.capture_dir().map(|d| d.to_path_buf()))
            .layer(axum::Extension(invitations.clone()));
        let (db, clock, outbox) = (state.db.clone(), state.clock.clone(), state.outbox.clone());
        tokio::spawn(supervise("housekeeping", {
            let (db, clock) = (db.clone(), clock.clone());
            move || app::ssr::housekeeping::run(db.clone(), clock.clone())
        }));
        tokio::spawn(supervise("checkpoints", {
            let db = db.clone();
            move || app::ssr::checkpoint::run(db.clone())
        }));
        tokio::spawn(supervise("import worker", {
            let (db, settings, clock, outbox) = (writer_db.clone(), state.settings.clone(), clock.clone(), outbox.clone());
            move || {
                let poll = std::time::Duration::from_secs(1);
                app::imports::service::run(db.clone(), settings.clone(), clock.clone(), outbox.clone(), poll)
            }
        }));
        tokio::spawn(supervise("outbox worker", move || {
            let poll = std::time::Duration::from_secs(1);
            worker::run(writer_db.clone(), mailer.clone(), clock.clone(), outbox.clone(), poll)
        }));
        Ok(Application { listener, router, state, invitations })
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        // Nagle's algorithm off for every browser's connection: a compressed page goes out in
        // several writes, and with it on, the last waited for the browser's delayed
        // acknowledgement of the one before (bench/README.md, "Lists at 100k rows").
        let listener = self.listener.tap_io(|stream| {
            if let Err(err) = stream.set_nodelay(true) {
                tracing::debug!(error = %err, "could not turn Nagle's algorithm off on a connection");
            }
        });
        axum::serve(listener, self.router.into_make_service_with_connect_info::<std::net::SocketAddr>())
            .with_graceful_shutdown(shutdown_signal())
            .await
    }
}

fn router(config: &Config, state: AppState, mail_capture: Option<PathBuf>) -> Router {
    let options = config.leptos.clone();
    let routes = generate_route_list(App);
    let mut router = Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .leptos_routes(&options, routes, {
            let options = options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler(shell))
        .with_state(options.clone())
        .merge(crate::assets::routes(&options))
        .merge(invitation_link::routes(state.settings.clone()))
        .merge(import_files::routes());
    if let Some(dir) = mail_capture {
        router = router.merge(mail_capture::routes(dir, &config.public_url, app::assets::stylesheet_href(&config.leptos)));
    }
    router
        .layer(DefaultBodyLimit::max(64 * 1024))
        .layer(axum::middleware::from_fn(secret_headers))
        .layer(axum::middleware::from_fn(refuse_unknown_fields))
        .layer(axum::middleware::from_fn(guard_upload))
        .layer(axum::middleware::from_fn(error_status))
        .layer(axum::middleware::from_fn_with_state(state, resolve_viewer))
        .layer(axum::middleware::from_fn_with_state(config.public_url.clone(), refuse_cross_site))
        .layer(axum::middleware::from_fn(request_span))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static(crate::assets::UNCACHED)))
        // Outermost: it sees what the layers above marked as not to be compressed.
        .layer(crate::assets::compression())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut sig) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            sig.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
}
