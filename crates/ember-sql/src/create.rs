//! RDDs and record batches into DataFrames (Spark's `createDataFrame`).

use std::sync::Arc;

use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::catalog::MemTable;
use ember_rdd::Rdd;

use crate::dataframe::DataFrame;
use crate::row::{IntoRow, check_row_schema, rows_to_batches};
use crate::session::Session;
use crate::types::IntoSchema;
use crate::{Error, Result};

impl Session {
    /// Spark's `createDataFrame(rdd, schema)`: turns an RDD of rows (tuples, [`Row`](crate::Row)s or
    /// your own [`IntoRow`] types) into a DataFrame with the given schema.
    ///
    /// Each RDD partition becomes one DataFusion partition (record batches of at most
    /// `ember.sql.batch_rows` rows), so SQL runs in parallel. The RDD is evaluated now, once (like
    /// Spark's `createDataFrame` followed by `cache()`), so a value that does not fit the schema
    /// fails here with [`Error::SchemaMismatch`] naming the row (counted over all partitions) and
    /// the column. A schema with a type rows cannot produce is [`Error::InvalidArgument`].
    pub fn create_dataframe<T: IntoRow>(
        &self,
        rdd: &Rdd<T>,
        schema: impl IntoSchema,
    ) -> Result<DataFrame> {
        let schema = schema.into_schema();
        check_row_schema(&schema)?;
        let batch_rows = self.inner().batch_rows;
        let part_schema = Arc::clone(&schema);
        let results = rdd
            .map_partitions_with_index(move |_, rows| {
                std::iter::once(rows_to_batches(&part_schema, rows, batch_rows))
            })
            .collect()?;
        let mut partitions = Vec::with_capacity(results.len());
        let mut offset = 0usize;
        for (partition, result) in results.into_iter().enumerate() {
            match result {
                Ok(batches) => {
                    offset += batches.iter().map(RecordBatch::num_rows).sum::<usize>();
                    partitions.push(batches);
                }
                Err(e) => {
                    let field = schema.fields().get(e.column);
                    return Err(Error::SchemaMismatch {
                        row: offset + e.row,
                        partition,
                        column: field
                            .map_or_else(|| format!("#{}", e.column), |f| f.name().clone()),
                        expected: field
                            .map_or_else(|| "no column".to_owned(), |f| f.data_type().to_string()),
                        message: e.message,
                    });
                }
            }
        }
        self.dataframe_from_partitions(schema, partitions)
    }

    /// A DataFrame over record batches already in memory; they are spread round-robin over
    /// `target_partitions` partitions. All batches must share one schema
    /// ([`Error::BatchSchemaMismatch`] otherwise); an empty `Vec` is [`Error::InvalidArgument`]
    /// (there is no schema to use; see [`Session::create_dataframe_from_partitions`]).
    pub fn create_dataframe_from_batches(&self, batches: Vec<RecordBatch>) -> Result<DataFrame> {
        let schema =
            batches
                .first()
                .map(RecordBatch::schema)
                .ok_or_else(|| Error::InvalidArgument {
                    message: "cannot create a DataFrame from no batches without a schema"
                        .to_owned(),
                })?;
        let n = self
            .inner
            .ctx
            .copied_config()
            .target_partitions()
            .max(1)
            .min(batches.len());
        let mut partitions = vec![Vec::new(); n];
        for (i, b) in batches.into_iter().enumerate() {
            partitions[i % n].push(b);
        }
        self.create_dataframe_from_partitions(schema, partitions)
    }

    /// A DataFrame whose partitions are exactly the given groups of batches.
    pub fn create_dataframe_from_partitions(
        &self,
        schema: SchemaRef,
        partitions: Vec<Vec<RecordBatch>>,
    ) -> Result<DataFrame> {
        for (index, batch) in partitions.iter().flatten().enumerate() {
            if batch.schema().fields() != schema.fields() {
                return Err(Error::BatchSchemaMismatch {
                    batch: index,
                    expected: schema.to_string(),
                    found: batch.schema().to_string(),
                });
            }
        }
        self.dataframe_from_partitions(schema, partitions)
    }

    fn dataframe_from_partitions(
        &self,
        schema: SchemaRef,
        mut partitions: Vec<Vec<RecordBatch>>,
    ) -> Result<DataFrame> {
        if partitions.is_empty() {
            partitions.push(Vec::new());
        }
        let table =
            MemTable::try_new(schema, partitions).map_err(|e| Error::from_datafusion(e, None))?;
        let df = self
            .inner
            .ctx
            .read_table(Arc::new(table))
            .map_err(|e| Error::from_datafusion(e, None))?;
        Ok(DataFrame::new(self.clone(), df, None))
    }
}
