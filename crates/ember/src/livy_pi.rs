//! SparkPi on a Spark cluster through Livy: ties `ember-livy`'s pyspark job ([`PiOnLivy`]) to
//! `ember-web`'s [`PiBackend`], so `ember serve --master livy://host:port` answers `/sparkpi` with
//! the same strings, limits, deadlines and metrics as local jobs, running each job in one
//! long-lived pyspark session (recreated if it dies).

use std::sync::Arc;

use ember_livy::LivyClient;
use ember_livy::jobs::PiOnLivy;
use ember_livy::protocol::{CreateSession, SessionKind};
use ember_rdd::CancelToken;
use ember_web::{PiBackend, PiFuture};

use crate::spark::RunningJobs;

/// Pi jobs in a pyspark session on a Livy server.
#[derive(Debug)]
pub struct LivyPi {
    url: String,
    job: Arc<PiOnLivy>,
    running: RunningJobs,
}

impl LivyPi {
    /// Jobs on the Livy server at `url` (`http://…`), in sessions named after `app_name`'s
    /// application.
    pub fn new(url: &str, client: LivyClient, app_name: &str) -> Self {
        let request = CreateSession {
            kind: Some(SessionKind::PySpark),
            conf: Some([("spark.app.name".to_owned(), app_name.to_owned())].into()),
            ..CreateSession::default()
        };
        LivyPi {
            url: url.to_owned(),
            job: Arc::new(PiOnLivy::new(client, request)),
            running: RunningJobs::default(),
        }
    }

    /// The job runner (to estimate directly, or to close its session).
    pub fn job(&self) -> &Arc<PiOnLivy> {
        &self.job
    }
}

impl PiBackend for LivyPi {
    fn estimate(&self, scale: u64, seed: Option<u64>, cancel: CancelToken) -> PiFuture {
        let tracked = self.running.track(cancel.clone());
        let job = self.job.clone();
        // A task of its own: the statement is cancelled on the server even when the service
        // stops waiting (deadline, client gone).
        let work = tokio::spawn(async move {
            let _tracked = tracked;
            job.estimate_until(scale, seed, cancel.cancelled()).await
        });
        Box::pin(async move {
            match work.await {
                Ok(Ok(pi)) => Ok(pi),
                Ok(Err(ember_livy::Error::Cancelled { .. })) => Err(ember_web::Error::Cancelled),
                Ok(Err(e)) => Err(ember_web::Error::backend(e)),
                Err(join) => Err(ember_web::Error::backend(join)),
            }
        })
    }

    fn cancel_all(&self) -> usize {
        self.running.cancel_all()
    }

    fn describe(&self) -> String {
        format!("livy {}", self.url)
    }
}
