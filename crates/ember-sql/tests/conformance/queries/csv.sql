-- Spark's CSV functions (issue 20): from_csv, to_csv, schema_of_csv, with Spark's record
-- splitting (univocity's), PERMISSIVE and FAILFAST reading, and the writer's quoting.
-- name: from_csv_basic
SELECT from_csv('1, 0.8', 'a INT, b DOUBLE')
-- name: from_csv_quotes_and_empties
SELECT from_csv('1,abc,,"x,y",  z ', 'a INT, b STRING, c STRING, d STRING, e STRING')
-- name: from_csv_more_and_fewer_fields
SELECT from_csv('1,2,3', 'a INT, b INT'), from_csv('1', 'a INT, b INT'), from_csv('', 'a INT, b STRING')
-- name: from_csv_permissive_keeps_the_rest
SELECT from_csv('x,2', 'a INT, b INT'), from_csv('3000000000,1e2,abc', 'a INT, b DOUBLE, c DOUBLE')
-- name: from_csv_corrupt_record
SELECT from_csv('1,2', 'a INT, b INT, _corrupt_record STRING'), from_csv('x,2', 'a INT, b INT, _corrupt_record STRING')
-- name: from_csv_failfast
SELECT from_csv('x,2', 'a INT, b INT', map('mode', 'FAILFAST'))
-- name: from_csv_failfast_on_good_input
SELECT from_csv('1,2', 'a INT, b INT', map('mode', 'FAILFAST'))
-- name: from_csv_dropmalformed_is_refused
SELECT from_csv('1,2', 'a INT, b INT', map('mode', 'DROPMALFORMED'))
-- name: from_csv_separators
SELECT from_csv('1;2', 'a INT, b INT', map('sep', ';')), from_csv('1::2', 'a INT, b INT', map('sep', '::')), from_csv('1,2', 'a INT, b INT', map('delimiter', ';'))
-- name: from_csv_empty_separator_is_refused
SELECT from_csv('1,2', 'a INT, b INT', map('sep', ''))
-- name: from_csv_types
SELECT from_csv('true,2024-01-15,2024-01-15 10:20:30,1.5', 'a BOOLEAN, b DATE, c TIMESTAMP, d DECIMAL(5,2)')
-- name: from_csv_whitespace_by_type
SELECT from_csv(' 1, true, 2024-01-15,1 ', 'a INT, b BOOLEAN, c DATE, d INT')
-- name: from_csv_escapes_and_odd_quotes
SELECT from_csv('"a\\"b",c', 'a STRING, b STRING'), from_csv('"ab"c,d', 'a STRING, b STRING'), from_csv('"a""b",c', 'a STRING, b STRING'), from_csv('a"b,c', 'a STRING, b STRING'), from_csv('"a,b', 'a STRING, b STRING'), from_csv('"",x', 'a STRING, b STRING')
-- name: from_csv_integer_widths
SELECT from_csv('1,2', 'a BIGINT, b SMALLINT, c TINYINT')
-- name: from_csv_special_doubles
SELECT from_csv('NaN,Infinity,-Infinity,1.5', 'a DOUBLE, b DOUBLE, c FLOAT, d FLOAT')
-- name: from_csv_decimals_round
SELECT from_csv('1.234,12345.6', 'a DECIMAL(5,2), b DECIMAL(5,2)')
-- name: from_csv_booleans
SELECT from_csv('TRUE,False,yes', 'a BOOLEAN, b BOOLEAN, c BOOLEAN')
-- name: from_csv_lenient_dates_and_timestamps
SELECT from_csv('2024-1-5,2024-01-15T10:20:30,2024-01-15 10:20:30.123456+01:00', 'a DATE, b TIMESTAMP, c TIMESTAMP')
-- name: from_csv_timestamp_format
SELECT from_csv('26/08/2015', 'time Timestamp', map('timestampFormat', 'dd/MM/yyyy'))
-- name: from_csv_null_value
SELECT from_csv('\\N,x', 'a STRING, b STRING', map('nullValue', '\\N'))
-- name: from_csv_struct_schema_and_binary
SELECT from_csv('1,2', 'STRUCT<a: INT, b: INT>'), from_csv('x', 'a BINARY')
-- name: from_csv_array_schema_is_refused
SELECT from_csv('1,2', 'a ARRAY<INT>')
-- name: from_csv_over_rows
SELECT from_csv(x, 'a INT, b STRING') FROM VALUES ('1,a'), ('2,b'), (NULL) AS t(x)
-- name: from_csv_column_schema_is_refused
SELECT from_csv('1,2', x) FROM VALUES ('a INT') AS t(x)
-- name: from_csv_of_a_number_is_refused
SELECT from_csv(1, 'a INT')
-- name: from_csv_field_access
SELECT from_csv('7,seven', 'n INT, s STRING').n, from_csv('7,seven', 'n INT, s STRING').s
-- name: to_csv_basic
SELECT to_csv(named_struct('a', 1, 'b', 2)), to_csv(named_struct('a', 1, 'b', 2), map('sep', ';')), to_csv(named_struct('a', 1, 'b', 2), map('quoteAll', 'true'))
-- name: to_csv_quoting_and_trimming
SELECT to_csv(named_struct('a', 'x,y', 'b', CAST(NULL AS STRING), 'c', 'q"r', 'd', '', 'e', ' s '))
-- name: to_csv_atomic_types
SELECT to_csv(named_struct('a', 1.5D, 'b', true, 'c', DATE'2024-01-15', 'd', TIMESTAMP'2024-01-15 10:20:30.5', 'e', 1.50BD))
-- name: to_csv_numbers_and_binary
SELECT to_csv(named_struct('a', X'7879', 'b', -0.0D, 'c', CAST(1.5 AS FLOAT), 'd', 1e20D, 'e', CAST(NULL AS INT))), to_csv(named_struct('a', CAST(1.0E10 AS DOUBLE), 'b', CAST(1.0E-5 AS FLOAT), 'c', CAST(1 AS BIGINT)))
-- name: to_csv_special_characters
SELECT to_csv(named_struct('a', 'a\\b', 'b', 'tab\there', 'c', 'nl
x', 'd', '#x'))
-- name: to_csv_formats
SELECT to_csv(named_struct('time', to_timestamp('2015-08-26', 'yyyy-MM-dd')), map('timestampFormat', 'dd/MM/yyyy')), to_csv(named_struct('a', DATE'2024-01-15', 'b', TIMESTAMP'2024-01-15 10:20:30'), map('dateFormat', 'dd/MM/yyyy'))
-- name: to_csv_timestamp_ntz
SELECT to_csv(named_struct('a', TIMESTAMP_NTZ'2024-01-15 10:20:30.123'))
-- name: to_csv_nested_values
SELECT to_csv(named_struct('a', array(1, 2))), to_csv(named_struct('a', map(1, 2))), to_csv(named_struct('a', named_struct('b', 1))), to_csv(named_struct('a', array(named_struct('x', 1, 'y', 'q')), 'b', map('k', array(1, NULL)), 'c', named_struct('p', CAST(NULL AS INT), 'q', 2)))
-- name: to_csv_nulls
SELECT to_csv(CAST(NULL AS STRUCT<a: INT>)), to_csv(named_struct('a', 1), map('nullValue', 'NA')), to_csv(named_struct('a', CAST(NULL AS INT)), map('nullValue', 'NA'))
-- name: to_csv_of_a_number_is_refused
SELECT to_csv(1)
-- name: csv_round_trip
SELECT to_csv(named_struct('a', 1, 'b', 'x')) AS c, from_csv(to_csv(named_struct('a', 1, 'b', 'x')), 'a INT, b STRING') AS d
-- name: schema_of_csv_basic
SELECT schema_of_csv('1,abc'), schema_of_csv('a'), schema_of_csv('1|2', map('sep', '|'))
-- name: schema_of_csv_inference
SELECT schema_of_csv('1,abc,1.5,true,2024-01-15,2024-01-15 10:20:30,,9999999999,1e5')
-- name: schema_of_csv_numbers
SELECT schema_of_csv('99999999999999999999,1.0,NaN,Infinity,TRUE, 1,-5,+7,0x10,1.5e400')
-- name: schema_of_csv_times_and_quotes
SELECT schema_of_csv('2024-01-15T10:20:30,2024-1-5,10:20:30,"q,r",""')
-- name: schema_of_csv_timestamp_format
SELECT schema_of_csv('26/08/2015', map('timestampFormat', 'dd/MM/yyyy'))
-- name: schema_of_csv_null_is_refused
SELECT schema_of_csv(NULL)
-- name: schema_of_csv_column_is_refused
SELECT schema_of_csv(x) FROM VALUES ('1') AS t(x)
-- name: schema_of_csv_of_a_number_is_refused
SELECT schema_of_csv(1)
-- name: from_csv_wrong_width_is_malformed
SELECT from_csv('1', 'a INT, b INT, _corrupt_record STRING'), from_csv('1,2,3', 'a INT, b INT, _corrupt_record STRING'), from_csv('', 'a INT, b STRING, _corrupt_record STRING')
-- name: from_csv_wrong_width_failfast
SELECT from_csv('1', 'a INT, b INT', map('mode', 'FAILFAST'))
-- name: from_csv_infinities_and_nan_value
SELECT from_csv('Inf,-Inf,NaN,x', 'a DOUBLE, b DOUBLE, c FLOAT, d DOUBLE', map('nanValue', 'x')), schema_of_csv('Inf,-Inf')
