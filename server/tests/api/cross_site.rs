use crate::helpers::{PASSWORD, PUBLIC_URL, client, spawn_app};
use app::domain::Role;
use app::ssr::entities::session;
use reqwest::StatusCode;
use sea_orm::{EntityTrait, PaginatorTrait};

async fn sign_in_with(app: &crate::helpers::TestApp, headers: &[(&str, &str)]) -> StatusCode {
    let mut request = client()
        .post(app.url("/api/sign_in"))
        .form(&[("email", "boss@example.com"), ("password", PASSWORD)]);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap().status()
}

#[tokio::test]
async fn a_cross_site_post_is_refused_before_it_does_anything() {
    let app = spawn_app().await;
    app.user("boss@example.com", Role::CorporateAdmin, None).await;

    let cross_site = sign_in_with(&app, &[("Sec-Fetch-Site", "cross-site")]).await;
    let same_site = sign_in_with(&app, &[("Sec-Fetch-Site", "same-site")]).await;
    let foreign_origin = sign_in_with(&app, &[("Origin", "http://evil.example")]).await;

    assert_eq!(cross_site, StatusCode::FORBIDDEN);
    assert_eq!(same_site, StatusCode::FORBIDDEN);
    assert_eq!(foreign_origin, StatusCode::FORBIDDEN);
    assert_eq!(session::Entity::find().count(&app.state.db).await.unwrap(), 0);
}

#[tokio::test]
async fn same_origin_posts_are_accepted() {
    let app = spawn_app().await;
    app.user("boss@example.com", Role::CorporateAdmin, None).await;
    let own_host = app.address.clone();

    assert_eq!(sign_in_with(&app, &[("Sec-Fetch-Site", "same-origin")]).await, StatusCode::OK);
    assert_eq!(sign_in_with(&app, &[("Origin", PUBLIC_URL)]).await, StatusCode::OK);
    assert_eq!(sign_in_with(&app, &[("Origin", &own_host)]).await, StatusCode::OK);
}
