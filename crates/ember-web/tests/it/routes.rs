use actix_web::{App, test};
use ember_web::{INDEX_BODY, ServiceConfig};

use crate::service;

macro_rules! app {
    ($config:expr) => {
        test::init_service(App::new().service(service($config).scope(""))).await
    };
}

fn pi_of(body: &str) -> f64 {
    body.strip_prefix("Pi is roughly ")
        .expect(body)
        .parse()
        .unwrap()
}

#[actix_web::test]
async fn index_is_the_seed_banner_exactly() {
    let app = app!(ServiceConfig::default());
    let res = test::call_service(&app, test::TestRequest::get().uri("/").to_request()).await;
    assert_eq!(res.status(), 200);
    let ct = res
        .headers()
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(ct.starts_with("text/plain"), "{ct}");
    let body = test::read_body(res).await;
    assert_eq!(
        body,
        "Python Flask SparkPi server running. Add the 'sparkpi' route to this URL to invoke the app."
    );
    assert_eq!(body, INDEX_BODY);
}

#[actix_web::test]
async fn sparkpi_defaults_to_scale_2_and_is_reproducible_with_a_seed() {
    let app = app!(ServiceConfig::default());
    let get = |uri: &'static str| test::TestRequest::get().uri(uri).to_request();
    let res = test::call_service(&app, get("/sparkpi")).await;
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()
            .get("content-type")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let body = String::from_utf8(test::read_body(res).await.to_vec()).unwrap();
    let pi = pi_of(&body);
    assert!((pi - std::f64::consts::PI).abs() < 0.05, "{body}");

    let a = test::call_and_read_body(&app, get("/sparkpi?scale=3&seed=11")).await;
    let b = test::call_and_read_body(&app, get("/sparkpi?seed=11&scale=3")).await;
    assert_eq!(a, b);
    let c = test::call_and_read_body(&app, get("/sparkpi?scale=3&seed=12")).await;
    assert_ne!(a, c);

    let metrics = test::call_and_read_body(&app, get("/metrics")).await;
    let metrics = std::str::from_utf8(&metrics).unwrap();
    // 200 000 + 2 * 300 000 + 300 000 samples.
    assert!(
        metrics.contains("ember_pi_samples_total 1100000"),
        "{metrics}"
    );
    assert!(
        metrics.contains(r#"ember_pi_jobs_total{outcome="succeeded"} 4"#),
        "{metrics}"
    );
    assert!(
        metrics.contains("ember_pi_job_duration_seconds_count 4"),
        "{metrics}"
    );
    assert!(
        metrics.contains(r#"ember_http_requests_total{route="/sparkpi",status="200"} 4"#),
        "{metrics}"
    );
}

#[actix_web::test]
async fn bad_input_is_400_with_a_one_line_reason() {
    let app = app!(ServiceConfig::default());
    let cases = [
        ("scale=abc", "not a positive integer"),
        ("scale=0", "at least 1"),
        ("scale=-3", "not a positive integer"),
        ("scale=1e3", "not a positive integer"),
        ("scale=", "empty"),
        ("scale=99999999999999999999999", "too large"),
        ("scale=2&scale=3", "more than once"),
        ("scale=10001", "above the limit of 10000"),
        ("scale=2&seed=x", "seed"),
        ("scale=%20", "not a positive integer"),
        ("scale=3.5", "not a positive integer"),
    ];
    for (query, reason) in cases {
        let req = test::TestRequest::get()
            .uri(&format!("/sparkpi?{query}"))
            .to_request();
        let res = test::call_service(&app, req).await;
        assert_eq!(res.status(), 400, "{query}");
        let body = String::from_utf8(test::read_body(res).await.to_vec()).unwrap();
        assert!(body.contains(reason), "{query}: {body}");
        assert!(
            !body.is_empty() && !body.contains('\n'),
            "{query}: {body:?}"
        );
    }
    let metrics =
        test::call_and_read_body(&app, test::TestRequest::get().uri("/metrics").to_request()).await;
    let metrics = std::str::from_utf8(&metrics).unwrap();
    assert!(
        metrics.contains(r#"ember_http_requests_total{route="/sparkpi",status="400"} 11"#),
        "{metrics}"
    );
}

#[actix_web::test]
async fn unknown_routes_and_methods_get_a_reason() {
    let app = app!(ServiceConfig::default());
    let res = test::call_service(&app, test::TestRequest::get().uri("/nope").to_request()).await;
    assert_eq!(res.status(), 404);
    let body = test::read_body(res).await;
    assert!(std::str::from_utf8(&body).unwrap().contains("/sparkpi"));
    let res =
        test::call_service(&app, test::TestRequest::post().uri("/sparkpi").to_request()).await;
    assert_eq!(res.status(), 405);
    assert_eq!(res.headers().get("allow").unwrap(), "GET, HEAD");
    let res = test::call_service(&app, test::TestRequest::get().uri("/healthz").to_request()).await;
    assert_eq!(res.status(), 200);
}

#[actix_web::test]
async fn estimates_shrink_like_one_over_sqrt_n() {
    // Scale 1000: 10^8 samples. The estimate is binomial; 5 sigma is ~0.0008.
    let app = app!(ServiceConfig::default());
    let req = test::TestRequest::get()
        .uri("/sparkpi?scale=1000")
        .to_request();
    let body = test::call_and_read_body(&app, req).await;
    let pi = pi_of(std::str::from_utf8(&body).unwrap());
    let n = 1e8;
    let p = std::f64::consts::PI / 4.0;
    let sigma = 4.0 * (p * (1.0 - p) / n).sqrt();
    assert!(
        (pi - std::f64::consts::PI).abs() < 5.0 * sigma,
        "{pi}, sigma {sigma}"
    );
}
