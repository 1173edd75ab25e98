//! The service's Prometheus metrics.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub(crate) struct RequestLabels {
    pub(crate) route: String,
    pub(crate) status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub(crate) struct JobLabels {
    pub(crate) outcome: &'static str,
}

/// Counters and histograms, registered once per service.
pub(crate) struct Metrics {
    registry: Registry,
    pub(crate) requests: Family<RequestLabels, Counter>,
    pub(crate) jobs: Family<JobLabels, Counter>,
    pub(crate) samples: Counter,
    pub(crate) job_seconds: Histogram,
    pub(crate) jobs_in_flight: Gauge,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

/// Job latency buckets, in seconds: from half a millisecond to a minute.
const JOB_BUCKETS: [f64; 16] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
    60.0,
];

impl Metrics {
    pub(crate) fn new() -> Self {
        let mut registry = Registry::with_prefix("ember");
        let requests = Family::<RequestLabels, Counter>::default();
        let jobs = Family::<JobLabels, Counter>::default();
        let samples = Counter::default();
        let job_seconds = Histogram::new(JOB_BUCKETS);
        let jobs_in_flight = Gauge::default();
        registry.register(
            "http_requests",
            "HTTP requests by route pattern and status",
            requests.clone(),
        );
        registry.register("pi_jobs", "SparkPi jobs by outcome", jobs.clone());
        registry.register(
            "pi_samples",
            "Monte Carlo samples drawn by completed pi jobs",
            samples.clone(),
        );
        registry.register(
            "pi_job_duration_seconds",
            "Wall time of completed pi jobs",
            job_seconds.clone(),
        );
        registry.register(
            "pi_jobs_in_flight",
            "Pi jobs admitted (running or queued)",
            jobs_in_flight.clone(),
        );
        Metrics {
            registry,
            requests,
            jobs,
            samples,
            job_seconds,
            jobs_in_flight,
        }
    }

    pub(crate) fn job(&self, outcome: &'static str) {
        self.jobs.get_or_create(&JobLabels { outcome }).inc();
    }

    /// The OpenMetrics text exposition, which Prometheus scrapes.
    pub(crate) fn render(&self) -> Result<String, std::fmt::Error> {
        let mut out = String::new();
        prometheus_client::encoding::text::encode(&mut out, &self.registry)?;
        Ok(out)
    }
}
