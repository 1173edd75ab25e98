//! The extension codecs Ember's plans travel with: Ballista's own, plus the time zone of every
//! Ember function a plan calls, so the node that decodes the plan rebuilds the same function.
//!
//! A function travels as its name and, when it is one of Ember's (equal to the function of that
//! name in the catalog of a zone the codec knows, from one of its [`Source`]s), the payload
//! `ember-zone:<zone>` and the source's tag. Decoding a payload looks the name up in that zone's
//! catalog ([`Functions`]) and source; a function without one is
//! looked up by name in the node's registry first (DataFusion's rule), and reaching the codec
//! means no node function has that name: a user's UDF the node was not built with.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use ballista_core::serde::{BallistaLogicalExtensionCodec, BallistaPhysicalExtensionCodec};
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::catalog::{MemTable, TableProvider};
use datafusion::common::{DataFusionError, Result as DfResult, TableReference};
use datafusion::datasource::file_format::FileFormatFactory;
use datafusion::execution::{SessionState, TaskContext};
use datafusion::logical_expr::{
    AggregateUDF, Extension, HigherOrderUDF, LogicalPlan, ScalarUDF, WindowUDF,
};
use datafusion::physical_plan::ExecutionPlan;
use datafusion_proto::logical_plan::LogicalExtensionCodec;
use datafusion_proto::physical_plan::{PhysicalExtensionCodec, PhysicalProtoConverterExtension};

use crate::functions::{Catalog, Functions, MAX_ZONES, Source};

const PREFIX: &[u8] = b"ember-zone:";
/// Between the zone and the [`Source`]'s tag (no zone name holds it).
const SEPARATOR: u8 = 0x1f;
/// What starts a `try_` wrapper's encoding.
const TRY: &[u8] = b"ember-try:";
/// What starts a local table's encoding (Arrow IPC follows).
const LOCAL_TABLE: &[u8] = b"ember-local-table:";

/// The zones a codec tries when it encodes a function, most recent first: a client's codec knows
/// its session's; a scheduler's learns each zone from the plans it decodes.
#[derive(Clone, Default)]
pub(crate) struct Zones(Arc<Mutex<Vec<String>>>);

impl Zones {
    pub(crate) fn of(zone: &str) -> Self {
        let zones = Zones::default();
        zones.note(zone);
        zones
    }

    fn note(&self, zone: &str) {
        let mut zones = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if zones.first().is_some_and(|z| z == zone) {
            return;
        }
        zones.retain(|z| z != zone);
        zones.insert(0, zone.to_owned());
        zones.truncate(MAX_ZONES);
    }

    fn list(&self) -> Vec<String> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// What both codecs share: the catalogs and the zones to try.
#[derive(Clone)]
struct Functionality {
    functions: Functions,
    zones: Zones,
}

impl Functionality {
    /// Writes where `function` comes from: the first zone and [`Source`] whose function of that
    /// name is this very one; nothing for a function no node knows (a user's UDF).
    fn encode<T: PartialEq + ?Sized>(
        &self,
        name: &str,
        function: &T,
        lookup: impl Fn(&SessionState, &str) -> Option<Arc<T>>,
        buf: &mut Vec<u8>,
    ) -> DfResult<()> {
        for zone in self.zones.list() {
            let catalog = self.catalog(&zone)?;
            for source in Source::ALL {
                if lookup(catalog.source(source), name).is_some_and(|known| *known == *function) {
                    buf.extend_from_slice(PREFIX);
                    buf.extend_from_slice(zone.as_bytes());
                    buf.push(SEPARATOR);
                    buf.extend_from_slice(source.tag().as_bytes());
                    return Ok(());
                }
            }
        }
        // Not one of Ember's: it travels by name, and only a node built with it knows it.
        Ok(())
    }

    fn decode<T: ?Sized>(
        &self,
        kind: &str,
        name: &str,
        buf: &[u8],
        lookup: impl Fn(&SessionState, &str) -> Option<Arc<T>>,
    ) -> DfResult<Arc<T>> {
        let Some(payload) = buf.strip_prefix(PREFIX) else {
            return Err(unknown(kind, name));
        };
        let payload = std::str::from_utf8(payload).map_err(|_| {
            DataFusionError::Plan(format!("the origin of {kind} `{name}` is not UTF-8"))
        })?;
        let (zone, source) = payload
            .rsplit_once(char::from(SEPARATOR))
            .and_then(|(zone, tag)| Some((zone, Source::from_tag(tag)?)))
            .ok_or_else(|| {
                DataFusionError::Plan(format!("the origin of {kind} `{name}` is garbled"))
            })?;
        self.zones.note(zone);
        let catalog = self.catalog(zone)?;
        lookup(catalog.source(source), name).ok_or_else(|| unknown(kind, name))
    }

    /// A scalar function: a `try_` wrapper travels as [`TRY`], the wrapped function's name, a
    /// [`SEPARATOR`] and the wrapped function's own encoding.
    fn encode_scalar(&self, udf: &ScalarUDF, buf: &mut Vec<u8>) -> DfResult<()> {
        if let Some(inner) = ember_sql::wire::tolerated(udf) {
            buf.extend_from_slice(TRY);
            buf.extend_from_slice(inner.name().as_bytes());
            buf.push(SEPARATOR);
            return self.encode_scalar(inner, buf);
        }
        let start = buf.len();
        self.encode(udf.name(), udf, scalar, buf)?;
        if buf.len() == start {
            // A function of this name that is not this one would run in its place: refuse.
            let shadowed = self.zones.list().into_iter().any(|zone| {
                self.catalog(&zone).is_ok_and(|c| {
                    Source::ALL
                        .into_iter()
                        .any(|s| scalar(c.source(s), udf.name()).is_some())
                })
            });
            if shadowed {
                return Err(DataFusionError::Plan(format!(
                    "function `{}` cannot be sent to a cluster: it is not the function of that \
                     name the cluster's nodes know",
                    udf.name()
                )));
            }
        }
        Ok(())
    }

    fn decode_scalar(&self, name: &str, buf: &[u8]) -> DfResult<Arc<ScalarUDF>> {
        let Some(rest) = buf.strip_prefix(TRY) else {
            // A random function draws a sequence of its own in each decoded plan (its seed moved
            // by a random offset, as Spark moves each partition's), not one continued from the
            // node's last query nor the same as another task's.
            return Ok(ember_sql::wire::renewed(
                self.decode("function", name, buf, scalar)?,
            ));
        };
        let at = rest
            .iter()
            .position(|b| *b == SEPARATOR)
            .ok_or_else(|| DataFusionError::Plan(format!("function `{name}` is garbled")))?;
        let inner_name = std::str::from_utf8(&rest[..at])
            .map_err(|_| DataFusionError::Plan(format!("function `{name}` is garbled")))?;
        let inner = self.decode_scalar(inner_name, &rest[at + 1..])?;
        Ok(Arc::new(ember_sql::wire::tolerant_udf(inner)))
    }

    fn catalog(&self, zone: &str) -> DfResult<Arc<Catalog>> {
        self.functions
            .catalog(zone)
            .map_err(|e| DataFusionError::External(Box::new(e)))
    }
}

fn unknown(kind: &str, name: &str) -> DataFusionError {
    DataFusionError::Plan(format!(
        "{kind} `{name}` is not known to this cluster node: a function registered in the \
         client's session runs on a cluster only if its scheduler and every executor were \
         built with it (ember_cluster::Functions::with_setup)"
    ))
}

impl fmt::Debug for Functionality {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Functionality")
            .field("functions", &self.functions)
            .field("zones", &self.zones.list())
            .finish()
    }
}

/// Ballista's logical codec that knows Ember's functions: what a client encodes its optimized
/// plan with and a scheduler decodes it with.
#[derive(Debug)]
pub struct LogicalCodec {
    inner: BallistaLogicalExtensionCodec,
    functions: Functionality,
}

/// Ballista's physical codec that knows Ember's functions: what a scheduler encodes a stage's
/// plan with and an executor decodes it with.
#[derive(Debug)]
pub struct PhysicalCodec {
    inner: BallistaPhysicalExtensionCodec,
    functions: Functionality,
}

/// The pair of codecs a node uses, sharing its zones.
pub(crate) fn codecs(
    functions: Functions,
    zones: Zones,
) -> (Arc<LogicalCodec>, Arc<PhysicalCodec>) {
    let functions = Functionality { functions, zones };
    (
        Arc::new(LogicalCodec {
            inner: BallistaLogicalExtensionCodec::default(),
            functions: functions.clone(),
        }),
        Arc::new(PhysicalCodec {
            inner: BallistaPhysicalExtensionCodec::default(),
            functions,
        }),
    )
}

fn scalar(s: &SessionState, name: &str) -> Option<Arc<ScalarUDF>> {
    s.scalar_functions().get(name).cloned()
}
fn aggregate(s: &SessionState, name: &str) -> Option<Arc<AggregateUDF>> {
    s.aggregate_functions().get(name).cloned()
}
fn window(s: &SessionState, name: &str) -> Option<Arc<WindowUDF>> {
    s.window_functions().get(name).cloned()
}
fn higher_order(s: &SessionState, name: &str) -> Option<Arc<HigherOrderUDF>> {
    s.higher_order_functions().get(name).cloned()
}

/// The function methods both codec traits share, each delegated to [`Functionality`].
macro_rules! function_methods {
    () => {
        fn try_decode_udf(&self, name: &str, buf: &[u8]) -> DfResult<Arc<ScalarUDF>> {
            self.functions.decode_scalar(name, buf)
        }

        fn try_encode_udf(&self, node: &ScalarUDF, buf: &mut Vec<u8>) -> DfResult<()> {
            self.functions.encode_scalar(node, buf)
        }

        fn try_decode_higher_order_function(
            &self,
            name: &str,
            buf: &[u8],
        ) -> DfResult<Arc<HigherOrderUDF>> {
            self.functions.decode("function", name, buf, higher_order)
        }

        fn try_encode_higher_order_function(
            &self,
            node: &HigherOrderUDF,
            buf: &mut Vec<u8>,
        ) -> DfResult<()> {
            self.functions.encode(node.name(), node, higher_order, buf)
        }

        fn try_decode_udaf(&self, name: &str, buf: &[u8]) -> DfResult<Arc<AggregateUDF>> {
            self.functions
                .decode("aggregate function", name, buf, aggregate)
        }

        fn try_encode_udaf(&self, node: &AggregateUDF, buf: &mut Vec<u8>) -> DfResult<()> {
            self.functions.encode(node.name(), node, aggregate, buf)
        }

        fn try_decode_udwf(&self, name: &str, buf: &[u8]) -> DfResult<Arc<WindowUDF>> {
            self.functions.decode("window function", name, buf, window)
        }

        fn try_encode_udwf(&self, node: &WindowUDF, buf: &mut Vec<u8>) -> DfResult<()> {
            self.functions.encode(node.name(), node, window, buf)
        }
    };
}

impl LogicalExtensionCodec for LogicalCodec {
    fn try_decode(
        &self,
        buf: &[u8],
        inputs: &[LogicalPlan],
        ctx: &TaskContext,
    ) -> DfResult<Extension> {
        self.inner.try_decode(buf, inputs, ctx)
    }

    fn try_encode(&self, node: &Extension, buf: &mut Vec<u8>) -> DfResult<()> {
        self.inner.try_encode(node, buf)
    }

    fn try_decode_table_provider(
        &self,
        buf: &[u8],
        table_ref: &TableReference,
        schema: SchemaRef,
        ctx: &TaskContext,
    ) -> DfResult<Arc<dyn TableProvider>> {
        match buf.strip_prefix(LOCAL_TABLE) {
            Some(ipc) => crate::local_data::decode(ipc, schema),
            None => self
                .inner
                .try_decode_table_provider(buf, table_ref, schema, ctx),
        }
    }

    fn try_encode_table_provider(
        &self,
        table_ref: &TableReference,
        node: Arc<dyn TableProvider>,
        buf: &mut Vec<u8>,
    ) -> DfResult<()> {
        if let Some(table) = node.downcast_ref::<MemTable>() {
            buf.extend_from_slice(LOCAL_TABLE);
            return crate::local_data::encode(table, buf);
        }
        self.inner.try_encode_table_provider(table_ref, node, buf)
    }

    fn try_decode_file_format(
        &self,
        buf: &[u8],
        ctx: &TaskContext,
    ) -> DfResult<Arc<dyn FileFormatFactory>> {
        self.inner.try_decode_file_format(buf, ctx)
    }

    fn try_encode_file_format(
        &self,
        buf: &mut Vec<u8>,
        node: Arc<dyn FileFormatFactory>,
    ) -> DfResult<()> {
        self.inner.try_encode_file_format(buf, node)
    }

    function_methods!();
}

impl PhysicalExtensionCodec for PhysicalCodec {
    fn try_decode(
        &self,
        buf: &[u8],
        inputs: &[Arc<dyn ExecutionPlan>],
        ctx: &TaskContext,
        proto_converter: &dyn PhysicalProtoConverterExtension,
    ) -> DfResult<Arc<dyn ExecutionPlan>> {
        self.inner.try_decode(buf, inputs, ctx, proto_converter)
    }

    fn try_encode(
        &self,
        node: Arc<dyn ExecutionPlan>,
        buf: &mut Vec<u8>,
        proto_converter: &dyn PhysicalProtoConverterExtension,
    ) -> DfResult<()> {
        self.inner.try_encode(node, buf, proto_converter)
    }

    function_methods!();
}
