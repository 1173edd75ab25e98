//! The pages: what they show, in HTML a terminal browser reads, and the assets they load.

use ember_rdd::Context;
use ember_ui::Ui;

use crate::{get, serve};

#[test]
fn the_pages_show_jobs_stages_storage_environment_and_executors() {
    let ctx = Context::new("pages <&>", "local[2]").unwrap();
    ctx.with_job_description("count <the> rows", || {
        ctx.parallelize(0..10i64, 2).unwrap().count().unwrap()
    });
    let failed = ctx
        .parallelize(0..10i64, 2)
        .unwrap()
        .map(|_: i64| -> i64 { panic!("boom <b>") })
        .count();
    assert!(failed.is_err());
    let cached = ctx.parallelize(0..100i64, 4).unwrap().cache();
    cached.count().unwrap();
    let server = serve(Ui::new(ctx.clone()));

    let root = get(&server, "/");
    assert_eq!(root.status, 302);
    assert!(root.head.contains("/jobs/"), "{}", root.head);

    let jobs = get(&server, "/jobs/");
    assert_eq!(jobs.status, 200);
    assert!(jobs.head.contains("text/html"));
    assert!(
        jobs.head
            .to_ascii_lowercase()
            .contains("content-security-policy")
    );
    let body = &jobs.body;
    assert!(
        body.contains("pages &lt;&amp;&gt;"),
        "the app name is escaped"
    );
    assert!(body.contains("count &lt;the&gt; rows"), "{body}");
    assert!(body.contains("Completed Jobs (2)"), "{body}");
    assert!(body.contains("Failed Jobs (1)"), "{body}");
    assert!(body.contains("<progress"), "{body}");
    assert!(!body.contains("<b>"), "user text is never markup");

    let job = get(&server, "/jobs/job/?id=1");
    assert!(job.body.contains("Details for Job 1"), "{}", job.body);
    assert!(job.body.contains("boom &lt;b&gt;"), "{}", job.body);

    let stages = get(&server, "/stages/");
    assert!(stages.body.contains("Failed Stages (1)"), "{}", stages.body);
    let stage = get(&server, "/stages/stage/?id=1&attempt=0");
    assert!(stage.body.contains("Details for Stage 1"), "{}", stage.body);

    let storage = get(&server, "/storage/");
    assert!(
        storage.body.contains("Memory Deserialized 1x Replicated"),
        "{}",
        storage.body
    );
    assert!(storage.body.contains("100%"), "{}", storage.body);
    let rdd = get(&server, &format!("/storage/rdd/?id={}", cached.id()));
    assert!(
        rdd.body.contains(&format!("rdd_{}_3", cached.id())),
        "{}",
        rdd.body
    );

    let env = get(&server, "/environment/");
    assert!(env.body.contains("spark.master"), "{}", env.body);
    assert!(env.body.contains("local[2]"), "{}", env.body);

    let executors = get(&server, "/executors/");
    assert!(executors.body.contains("driver"), "{}", executors.body);

    let sql = get(&server, "/SQL/");
    assert!(sql.body.contains("No SQL session"), "{}", sql.body);

    let script = get(&server, "/static/ember-ui.js");
    assert!(script.head.contains("javascript"));
    assert!(script.body.contains("DOMParser"));
    let style = get(&server, "/static/ember-ui.css");
    assert!(style.head.contains("text/css"));
    server.stop().unwrap();
}

#[test]
fn the_scope_mounts_under_a_path_with_links_under_it() {
    let ctx = Context::new("mounted", "local[1]").unwrap();
    ctx.parallelize(0..4i64, 2).unwrap().count().unwrap();
    let ui = Ui::new(ctx.clone());
    let system = actix_web::rt::System::new();
    system.block_on(async move {
        let app = actix_web::test::init_service(
            actix_web::App::new().service(ember_ui::scope("/ui", ui)),
        )
        .await;
        let req = actix_web::test::TestRequest::get()
            .uri("/ui/jobs/")
            .insert_header(("Host", "localhost"))
            .to_request();
        let body = actix_web::test::call_and_read_body(&app, req).await;
        let body = String::from_utf8(body.to_vec()).unwrap();
        assert!(body.contains(r#"href="/ui/jobs/job/?id=0""#), "{body}");
        assert!(body.contains(r#"src="/ui/static/ember-ui.js""#), "{body}");
        let req = actix_web::test::TestRequest::get()
            .uri(&format!(
                "/ui/api/v1/applications/{}/jobs",
                ctx.status().application().id
            ))
            .insert_header(("Host", "localhost"))
            .to_request();
        let jobs: serde_json::Value = actix_web::test::call_and_read_body_json(&app, req).await;
        assert_eq!(jobs[0]["status"], "SUCCEEDED");
    });
}
