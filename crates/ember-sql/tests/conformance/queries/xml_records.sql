-- Spark's XML record functions: from_xml, to_xml, schema_of_xml.

-- name: to_xml_basic
SELECT to_xml(named_struct('a', 1, 'b', 2.5, 'c', 'x'))

-- name: to_xml_attributes_nesting_arrays
SELECT to_xml(named_struct('_a', 1, 'b', named_struct('c', 'x', '_d', 'y'), 'arr', array(1, 2), 'n', CAST(NULL AS INT)))

-- name: to_xml_row_tag
SELECT to_xml(named_struct('a', 1), map('rowTag', 'item'))

-- name: to_xml_values
SELECT to_xml(named_struct('s', array(named_struct('x', 1), named_struct('x', 2)), 'm', map('k', 'v'), 'bin', X'0102', 'bo', true, 'f', 1.5f, 'd', 1e20, 'big', 12345678901L, 'dec', 2.50))

-- name: to_xml_text_and_empties
SELECT to_xml(named_struct('a', named_struct('_VALUE', 'v', '_k', 'z'))), to_xml(named_struct('a', '')), to_xml(named_struct('a', CAST(NULL AS INT))), to_xml(named_struct('s', named_struct('a', CAST(NULL AS INT)))), to_xml(named_struct('e', array()))

-- name: to_xml_escapes_and_dates
SELECT to_xml(named_struct('_q', 'a"b<&>', 'v', 'x"y''z')), to_xml(named_struct('t', TIMESTAMP'2024-01-01 10:00:00', 'd', DATE'2024-01-02', 'e', '<&>'))

-- name: to_xml_nested_arrays_and_maps
SELECT to_xml(named_struct('aa', array(array(1, 2), array(3)))), to_xml(named_struct('m', map('k', named_struct('x', 1))))

-- name: to_xml_of_a_null
SELECT to_xml(CAST(NULL AS STRUCT<a: INT>)) IS NULL

-- name: from_xml_basic
SELECT from_xml('<p><a>1</a><b>0.8</b></p>', 'a INT, b DOUBLE')

-- name: from_xml_attributes_and_arrays
SELECT from_xml('<p a="1"><b>x</b><c>1</c><c>2</c></p>', '_a INT, b STRING, c ARRAY<INT>')

-- name: from_xml_types
SELECT from_xml('<p><s><x>1</x><y>a</y></s><s><x>2</x></s><e/><t>2024-01-01T10:00:00</t><d>2024-01-02</d><bo>true</bo><dec>1.25</dec></p>', 's ARRAY<STRUCT<x: INT, y: STRING>>, e STRING, t TIMESTAMP, d DATE, bo BOOLEAN, dec DECIMAL(5,2)')

-- name: from_xml_text_and_trimming
SELECT from_xml('<p><a k="z">v</a><n> 42 </n><w>  hi  </w></p>', 'a STRUCT<_VALUE: STRING, _k: STRING>, n INT, w STRING')

-- name: from_xml_permissive
SELECT from_xml('<p><a>x</a></p>', 'a INT'), from_xml('<p><a>1</a><a>2</a></p>', 'a INT'), from_xml('<p>5</p>', '_VALUE INT'), from_xml('<p>bad', 'a INT'), from_xml(NULL, 'a INT') IS NULL

-- name: from_xml_nested
SELECT from_xml('<p><aa><x>1</x></aa><aa><x>2</x></aa></p>', 'aa ARRAY<STRUCT<x: INT>>'), from_xml('<p><a>1</a></p>', 'a ARRAY<INT>'), from_xml('<p><m>x</m></p>', 'b INT'), from_xml('<p><a><b>5</b></a></p>', 'a STRUCT<b: INT, c: STRING>')

-- name: from_xml_more
SELECT from_xml('<p>  </p>', 'a INT'), from_xml('<p a="x"/>', '_a STRING'), from_xml('<p><a>1</a></p>', 'STRUCT<a: INT>'), from_xml('<?xml version="1.0"?><!-- c --><p><a><![CDATA[x<y]]></a></p>', 'a STRING')

-- name: from_xml_field_access
SELECT from_xml('<p><n>7</n><s>seven</s></p>', 'n INT, s STRING').n, from_xml('<p><n>7</n><s>seven</s></p>', 'n INT, s STRING').s

-- name: from_xml_over_rows
SELECT id, from_xml(x, 'v INT').v AS v FROM VALUES (1, '<r><v>3</v></r>'), (2, '<r/>'), (3, NULL) AS t(id, x) ORDER BY id

-- name: schema_of_xml_basic
SELECT schema_of_xml('<p><a>1</a></p>'), schema_of_xml('<p><a attr="2">1</a><b>x</b><b>y</b><c>1.5</c><d>true</d></p>')

-- name: schema_of_xml_types_and_widening
SELECT schema_of_xml('<p><a>1</a><a>1.5</a><b>1</b><b>x</b><e/><t>2024-01-01T10:00:00</t><d>2024-01-02</d><n><m>1</m></n><big>12345678901234567890</big></p>')

-- name: schema_of_xml_text_attributes_corrupt
SELECT schema_of_xml('<p>5</p>'), schema_of_xml('<p a="1"/>'), schema_of_xml('bad'), schema_of_xml('<p><a b="1"/></p>'), schema_of_xml('<p><a>1</a><z>2</z><B>3</B></p>')

-- name: schema_of_xml_mixed
SELECT schema_of_xml('<p a="1"><b>2</b>text</p>'), schema_of_xml('<p><a x="1"><b>2</b></a></p>'), schema_of_xml('<p><a>TRUE</a><b>1e3</b><c> 7 </c><d>-0.5</d><e>2024-01-01 10:00:00</e></p>'), schema_of_xml('<p><a><b>1</b></a><a><c>x</c></a></p>')

-- name: to_xml_null_fields
SELECT to_xml(named_struct('a', 1, 'b', NULL)), to_xml(named_struct('_id', NULL, 'a', array(NULL, NULL), 'c', 2))
