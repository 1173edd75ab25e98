//! Spark's monitoring REST API (`/api/v1`) in Spark's JSON shape: the field names, value types,
//! status words and date format of the case classes in Spark's `status/api/v1/api.scala`, as
//! recorded from real PySpark by `scripts/spark-ui-oracle.py`. Numbers Ember does not measure
//! (JVM GC, shuffle bytes, spills) are 0, as Spark reports them when nothing happened; fields
//! that Spark leaves out when it has no value (`Option`s) are left out the same way.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ember_rdd::{
    CachedRdd, ExecutorStatus, JobState, JobStatus, StageKind, StageState, StageStatus,
};
use serde_json::{Map, Value, json};

use crate::{Query, QueryState, Ui};

/// Spark's date format in the API: `2026-12-06T03:52:43.124GMT`.
pub(crate) fn date(t: SystemTime) -> String {
    chrono::DateTime::<chrono::Utc>::from(t)
        .format("%Y-%m-%dT%H:%M:%S%.3fGMT")
        .to_string()
}

/// Milliseconds since the epoch.
pub(crate) fn epoch_ms(t: SystemTime) -> i64 {
    t.duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

pub(crate) fn ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// The storage level Ember's cache has: objects in memory, one copy.
pub(crate) const STORAGE_LEVEL: &str = "Memory Deserialized 1x Replicated";

/// `/version`.
pub(crate) fn version() -> Value {
    json!({ "spark": env!("CARGO_PKG_VERSION") })
}

/// One element of `/applications`, and `/applications/{id}`.
pub(crate) fn application(ui: &Ui) -> Value {
    let app = ui.context().status().application();
    let now = SystemTime::now();
    json!({
        "id": app.id,
        "name": app.name,
        "attempts": [{
            "startTime": date(app.start),
            // A running application: Spark's "no end yet" values.
            "endTime": date(UNIX_EPOCH - Duration::from_millis(1)),
            "lastUpdated": date(app.start),
            "duration": ms(now.duration_since(app.start).unwrap_or_default()),
            "sparkUser": app.user,
            "completed": false,
            "appSparkVersion": env!("CARGO_PKG_VERSION"),
            "startTimeEpoch": epoch_ms(app.start),
            "endTimeEpoch": -1,
            "lastUpdatedEpoch": epoch_ms(app.start),
        }],
    })
}

/// Spark's word for a job's state.
pub(crate) fn job_status(state: JobState) -> &'static str {
    match state {
        JobState::Running => "RUNNING",
        JobState::Succeeded => "SUCCEEDED",
        // Spark reports a cancelled job as failed (its tasks as killed).
        JobState::Failed | JobState::Cancelled => "FAILED",
    }
}

/// A job's Spark name: the action, as Spark's `collect at <call site>` names it.
pub(crate) fn job_name(job: &JobStatus) -> String {
    job.action.to_owned()
}

/// One `JobData`.
pub(crate) fn job(job: &JobStatus) -> Value {
    let mut v = Map::new();
    v.insert("jobId".into(), json!(job.id));
    v.insert("name".into(), json!(job_name(job)));
    if let Some(d) = &job.description {
        v.insert("description".into(), json!(d));
    }
    v.insert("submissionTime".into(), json!(date(job.submitted)));
    if let Some(t) = job.completed {
        v.insert("completionTime".into(), json!(date(t)));
    }
    v.insert("stageIds".into(), json!(job.stage_ids));
    if let Some(g) = &job.group {
        v.insert("jobGroup".into(), json!(g));
    }
    v.insert("jobTags".into(), json!([]));
    v.insert("status".into(), json!(job_status(job.state)));
    v.insert("numTasks".into(), json!(job.tasks.total));
    v.insert("numActiveTasks".into(), json!(job.tasks.active));
    v.insert("numCompletedTasks".into(), json!(job.tasks.completed));
    v.insert("numSkippedTasks".into(), json!(0));
    v.insert("numFailedTasks".into(), json!(job.tasks.failed));
    v.insert("numKilledTasks".into(), json!(job.tasks.killed));
    // A task succeeds once, so completed attempts are completed indices.
    v.insert("numCompletedIndices".into(), json!(job.tasks.completed));
    v.insert("numActiveStages".into(), json!(job.active_stages));
    v.insert("numCompletedStages".into(), json!(job.completed_stages));
    v.insert("numSkippedStages".into(), json!(0));
    v.insert("numFailedStages".into(), json!(job.failed_stages));
    v.insert(
        "killedTasksSummary".into(),
        killed_summary(job.tasks.killed),
    );
    Value::Object(v)
}

/// Spark's map of kill reasons to counts.
fn killed_summary(killed: usize) -> Value {
    let mut m = Map::new();
    if killed > 0 {
        m.insert("cancelled".into(), json!(killed));
    }
    Value::Object(m)
}

/// Spark's word for a stage's state.
pub(crate) fn stage_status(state: StageState) -> &'static str {
    match state {
        StageState::Active => "ACTIVE",
        StageState::Complete => "COMPLETE",
        StageState::Failed => "FAILED",
    }
}

/// A stage's Spark name.
pub(crate) fn stage_name(stage: &StageStatus) -> String {
    match stage.kind {
        StageKind::Result => stage.name.to_owned(),
        StageKind::ShuffleMap => format!("{} (shuffle map)", stage.name),
    }
}

/// The metrics of `StageData` that Ember does not measure: 0, as Spark reports them for a stage
/// that did none of it. (Bytes: Ember's shuffle keeps objects in memory, it serializes nothing.)
const UNMEASURED_STAGE_METRICS: &[&str] = &[
    "executorDeserializeTime",
    "executorDeserializeCpuTime",
    "executorCpuTime",
    "resultSize",
    "jvmGcTime",
    "resultSerializationTime",
    "memoryBytesSpilled",
    "diskBytesSpilled",
    "peakExecutionMemory",
    "inputBytes",
    "inputRecords",
    "outputBytes",
    "outputRecords",
    "shuffleRemoteBlocksFetched",
    "shuffleLocalBlocksFetched",
    "shuffleFetchWaitTime",
    "shuffleRemoteBytesRead",
    "shuffleRemoteBytesReadToDisk",
    "shuffleLocalBytesRead",
    "shuffleReadBytes",
    "shuffleCorruptMergedBlockChunks",
    "shuffleMergedFetchFallbackCount",
    "shuffleMergedRemoteBlocksFetched",
    "shuffleMergedLocalBlocksFetched",
    "shuffleMergedRemoteChunksFetched",
    "shuffleMergedLocalChunksFetched",
    "shuffleMergedRemoteBytesRead",
    "shuffleMergedLocalBytesRead",
    "shuffleRemoteReqsDuration",
    "shuffleMergedRemoteReqsDuration",
    "shuffleWriteBytes",
    "shuffleWriteTime",
    "shuffleMergersCount",
];

/// One `StageData` (attempt 0: Ember runs each stage once).
pub(crate) fn stage(stage: &StageStatus, description: Option<&str>) -> Value {
    let mut v = Map::new();
    v.insert("status".into(), json!(stage_status(stage.state)));
    v.insert("stageId".into(), json!(stage.id));
    v.insert("attemptId".into(), json!(0));
    v.insert("numTasks".into(), json!(stage.tasks.total));
    v.insert("numActiveTasks".into(), json!(stage.tasks.active));
    v.insert("numCompleteTasks".into(), json!(stage.tasks.completed));
    v.insert("numFailedTasks".into(), json!(stage.tasks.failed));
    v.insert("numKilledTasks".into(), json!(stage.tasks.killed));
    v.insert("numCompletedIndices".into(), json!(stage.tasks.completed));
    v.insert("submissionTime".into(), json!(date(stage.submitted)));
    if let Some(t) = stage.first_task_launched {
        v.insert("firstTaskLaunchedTime".into(), json!(date(t)));
    }
    if let Some(t) = stage.completed {
        v.insert("completionTime".into(), json!(date(t)));
    }
    if let Some(reason) = &stage.failure_reason {
        v.insert("failureReason".into(), json!(reason));
    }
    v.insert("executorRunTime".into(), json!(ms(stage.task_time)));
    v.insert(
        "shuffleReadRecords".into(),
        json!(stage.shuffle_read_records),
    );
    v.insert(
        "shuffleWriteRecords".into(),
        json!(stage.shuffle_write_records),
    );
    for metric in UNMEASURED_STAGE_METRICS {
        v.insert((*metric).into(), json!(0));
    }
    v.insert("name".into(), json!(stage_name(stage)));
    if let Some(d) = description {
        v.insert("description".into(), json!(d));
    }
    v.insert("details".into(), json!(""));
    v.insert("schedulingPool".into(), json!("default"));
    v.insert("rddIds".into(), json!([]));
    v.insert("accumulatorUpdates".into(), json!([]));
    v.insert(
        "killedTasksSummary".into(),
        killed_summary(stage.tasks.killed),
    );
    v.insert("resourceProfileId".into(), json!(0));
    v.insert("isShufflePushEnabled".into(), json!(false));
    Value::Object(v)
}

/// The one `ExecutorSummary`: the context's worker threads as Spark's `driver`.
pub(crate) fn executor(ui: &Ui, exec: &ExecutorStatus, cached: &[CachedRdd]) -> Value {
    let app = ui.context().status().application();
    let memory: u64 = cached.iter().map(|r| r.memory_bytes).sum();
    let blocks: usize = cached.iter().map(|r| r.cached_partitions).sum();
    json!({
        "id": "driver",
        "hostPort": ui.host_port(),
        "isActive": true,
        "rddBlocks": blocks,
        "memoryUsed": memory,
        "diskUsed": 0,
        "totalCores": exec.cores,
        "maxTasks": exec.cores,
        "activeTasks": exec.tasks.active,
        "failedTasks": exec.tasks.failed,
        "completedTasks": exec.tasks.completed,
        "totalTasks": exec.tasks.active + exec.tasks.failed + exec.tasks.completed + exec.tasks.killed,
        "totalDuration": ms(exec.task_time),
        "totalGCTime": 0,
        "totalInputBytes": 0,
        "totalShuffleRead": 0,
        "totalShuffleWrite": 0,
        "isBlacklisted": false,
        // Ember does not cap its cache: Spark's storage memory has no counterpart.
        "maxMemory": 0,
        "addTime": date(app.start),
        "executorLogs": {},
        "blacklistedInStages": [],
        "attributes": {},
        "resources": {},
        "resourceProfileId": 0,
        "isExcluded": false,
        "excludedInStages": [],
    })
}

/// What Spark shows instead of a secret's value.
const REDACTED: &str = "*********(redacted)";

/// Whether a configuration key names a secret, as Spark's default `spark.redaction.regex`
/// (`(?i)secret|password|token|access[.]key`) decides.
fn is_secret(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    ["secret", "password", "token", "access.key"]
        .iter()
        .any(|word| key.contains(word))
}

/// `/environment`: what Ember knows of its configuration, in Spark's lists of pairs; secrets'
/// values are redacted.
pub(crate) fn environment(ui: &Ui) -> Value {
    let app = ui.context().status().application();
    let mut spark = vec![
        ("spark.app.id".to_owned(), app.id.clone()),
        ("spark.app.name".to_owned(), app.name.clone()),
        (
            "spark.app.startTime".to_owned(),
            epoch_ms(app.start).to_string(),
        ),
        ("spark.master".to_owned(), app.master.clone()),
        (
            "spark.task.maxFailures".to_owned(),
            app.max_task_failures.to_string(),
        ),
        ("spark.ui.port".to_owned(), ui.port().to_string()),
    ];
    spark.extend(ui.properties().iter().cloned());
    // A key given twice keeps its last value (the override), then the list is sorted.
    let mut last = std::collections::BTreeMap::new();
    for (k, v) in spark {
        last.insert(k, v);
    }
    let spark: Vec<(String, String)> = last
        .into_iter()
        .map(|(k, v)| {
            let v = if is_secret(&k) {
                REDACTED.to_owned()
            } else {
                v
            };
            (k, v)
        })
        .collect();
    let pairs = |list: &[(String, String)]| -> Value {
        Value::Array(list.iter().map(|(k, v)| json!([k, v])).collect())
    };
    let system = vec![
        ("os.arch".to_owned(), std::env::consts::ARCH.to_owned()),
        ("os.name".to_owned(), std::env::consts::OS.to_owned()),
        ("user.name".to_owned(), app.user.clone()),
    ];
    json!({
        // Spark's JVM facts; Ember has no JVM, so they say what runs instead.
        "runtime": {
            "javaVersion": "none (Ember is native Rust)",
            "javaHome": "",
            "scalaVersion": "none",
        },
        "sparkProperties": pairs(&spark),
        "hadoopProperties": [],
        "systemProperties": pairs(&system),
        "metricsProperties": [],
        "classpathEntries": [],
        "resourceProfiles": [],
    })
}

/// One `RDDStorageInfo`; with `detail`, its partitions and distribution too (Spark gives those
/// only for one RDD).
pub(crate) fn rdd(ui: &Ui, rdd: &CachedRdd, detail: bool) -> Value {
    let mut v = Map::new();
    v.insert("id".into(), json!(rdd.id));
    v.insert("name".into(), json!(rdd.name));
    v.insert("numPartitions".into(), json!(rdd.num_partitions));
    v.insert("numCachedPartitions".into(), json!(rdd.cached_partitions));
    v.insert("storageLevel".into(), json!(STORAGE_LEVEL));
    v.insert("memoryUsed".into(), json!(rdd.memory_bytes));
    v.insert("diskUsed".into(), json!(0));
    if detail {
        v.insert(
            "dataDistribution".into(),
            json!([{
                "address": ui.host_port(),
                "memoryUsed": rdd.memory_bytes,
                "memoryRemaining": 0,
                "diskUsed": 0,
                "onHeapMemoryUsed": rdd.memory_bytes,
                "offHeapMemoryUsed": 0,
                "onHeapMemoryRemaining": 0,
                "offHeapMemoryRemaining": 0,
            }]),
        );
        let partitions: Vec<Value> = rdd
            .partitions
            .iter()
            .map(|(p, bytes)| {
                json!({
                    "blockName": format!("rdd_{}_{p}", rdd.id),
                    "storageLevel": STORAGE_LEVEL,
                    "memoryUsed": bytes,
                    "diskUsed": 0,
                    "executors": ["driver"],
                })
            })
            .collect();
        v.insert("partitions".into(), Value::Array(partitions));
    }
    Value::Object(v)
}

/// Spark's word for a query's state.
pub(crate) fn query_status(state: QueryState) -> &'static str {
    match state {
        QueryState::Running => "RUNNING",
        QueryState::Completed => "COMPLETED",
        QueryState::Failed => "FAILED",
    }
}

/// One `ExecutionData` of `/sql`. Ember's plan is DataFusion's, as text: `nodes` and `edges`
/// (Spark's plan graph with per-operator metrics) are empty.
pub(crate) fn query(q: &Query) -> Value {
    let duration = q.duration.unwrap_or_else(|| {
        SystemTime::now()
            .duration_since(q.submitted)
            .unwrap_or_default()
    });
    json!({
        "id": q.id,
        "queryId": format!("{:08x}-0000-0000-0000-{:012x}", q.id >> 32, q.id),
        "rootExecutionId": q.id,
        "status": query_status(q.state),
        "description": q.text,
        "planDescription": q.plan,
        "submissionTime": date(q.submitted),
        "duration": ms(duration),
        "runningJobIds": [],
        "successJobIds": [],
        "failedJobIds": [],
        "nodes": [],
        "edges": [],
        "errorMessage": q.error.clone().unwrap_or_default(),
        "modifiedConfigs": {},
    })
}
