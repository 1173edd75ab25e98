//! spark-partition-server's demo: a server on each of an RDD's 2 partitions, and a cluster type with a
//! typed query method.
//!
//! ```text
//! cargo run --example partition_server
//! ```
//!
//! It prints partition 0's numbers (0 to 499), stops the cluster and exits; nothing is left
//! listening.

use actix_web::web;
use ember::rdd::{Context, Rdd};
use ember_partition_server::{Cluster, PartitionServer};

/// Spark-partition-server's `DemoPartitionServer`: keeps its partition as a list and serves
/// `GET /app/get_list`, the list comma-separated.
struct DemoPartitionServer;

impl PartitionServer for DemoPartitionServer {
    type Item = i64;
    type State = Vec<i64>;
    type Output = ();

    fn init_partition(&self, _partition: usize, items: Vec<i64>) -> Vec<i64> {
        items
    }

    fn routes(&self, cfg: &mut web::ServiceConfig) {
        cfg.route("/get_list", web::get().to(get_list));
    }
}

async fn get_list(partition: web::Data<Vec<i64>>) -> String {
    partition
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// Spark-partition-server's `DemoCluster`: a cluster of `DemoPartitionServer`s with a typed query method.
struct DemoCluster(Cluster<DemoPartitionServer>);

impl DemoCluster {
    fn new(ctx: &Context, rdd: Rdd<i64>) -> Self {
        DemoCluster(Cluster::new(ctx, rdd, DemoPartitionServer))
    }

    fn start(&mut self) -> ember_partition_server::Result<()> {
        self.0.start()
    }

    fn stop(&mut self) -> ember_partition_server::Result<()> {
        self.0.stop()
    }

    /// Partition `ind`'s numbers, fetched from its server.
    fn get_partition_list(&self, ind: usize) -> Result<Vec<i64>, Box<dyn std::error::Error>> {
        let body = self.0.query(ind, "/get_list")?;
        Ok(body.split(',').map(str::parse).collect::<Result<_, _>>()?)
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let ctx = Context::new("partition-server-demo", "local[2]")?;
    // Create an RDD with 2 partitions.
    let rdd = ctx.parallelize(0..1000_i64, 2)?;

    // Create and start a cluster on this RDD.
    let mut cluster = DemoCluster::new(&ctx, rdd);
    cluster.start()?;
    for (partition, addr) in cluster.0.hosts() {
        println!("partition {partition} serves on http://{addr}/app/get_list");
    }

    // Fetch data from partition 0.
    let list = cluster.get_partition_list(0)?;
    println!("partition 0 holds {} numbers: {list:?}", list.len());

    // Shut the cluster down (it can be started again any time).
    cluster.stop()?;
    println!("stopped");
    Ok(())
}
