-- Spark's xpath family (issue 20): XPath 1.0 over XML strings.
-- name: xpath_text_and_elements
SELECT xpath('<a><b>b1</b><b>b2</b><b>b3</b><c>c1</c><c>c2</c></a>', 'a/b/text()'), xpath('<a><b>b1</b><b>b2</b><b>b3</b><c>c1</c><c>c2</c></a>', 'a/b'), xpath('<a><b>1</b></a>', 'a/zzz')
-- name: xpath_attributes_and_predicates
SELECT xpath('<a><b id="1">x</b><b id="2">y</b></a>', '//b/@id'), xpath('<a><b id="1">x</b><b id="2">y</b></a>', '//b[@id="2"]/text()'), xpath_string('<a><b id="1">x</b><b id="2">y</b></a>', '//b[2]')
-- name: xpath_string_values
SELECT xpath_string('<a><b>b</b><c>cc</c></a>', 'a/c'), xpath_string('<a><b>b</b><c>cc</c></a>', 'a'), xpath_string('<a><b>b</b></a>', 'a/d'), xpath_string('<a>x<!--c-->y</a>', 'a')
-- name: xpath_booleans
SELECT xpath_boolean('<a><b>1</b></a>', 'a/b'), xpath_boolean('<a><b>1</b></a>', 'a/c'), xpath_boolean('<a><b>1</b></a>', 'a/b = 1'), xpath_boolean('<a><b>1</b></a>', 'a/b = 2')
-- name: xpath_numbers
SELECT xpath_int('<a><b>1</b><b>2</b></a>', 'sum(a/b)'), xpath_long('<a><b>1</b><b>2</b></a>', 'sum(a/b)'), xpath_short('<a><b>1</b><b>2</b></a>', 'sum(a/b)'), xpath_float('<a><b>1</b><b>2</b></a>', 'sum(a/b)'), xpath_double('<a><b>1</b><b>2</b></a>', 'sum(a/b)'), xpath_number('<a><b>1</b><b>2</b></a>', 'sum(a/b)')
-- name: xpath_number_edges
SELECT xpath_int('<a>x</a>', 'a'), xpath_double('<a>x</a>', 'a'), xpath_float('<a/>', 'a/b'), xpath_long('<a>3.9</a>', 'a'), xpath_int('<a>-3.9</a>', 'a'), xpath_double('<a>2.5</a>', 'a * 2')
-- name: xpath_overflow
SELECT xpath_int('<a>3000000000</a>', 'a'), xpath_short('<a>40000</a>', 'a'), xpath_long('<a>1e30</a>', 'a')
-- name: xpath_nulls_and_empties
SELECT xpath(NULL, 'a/b'), xpath('<a/>', NULL), xpath('', 'a'), xpath_string('', 'a'), xpath_int(CAST(NULL AS STRING), 'a')
-- name: xpath_over_rows
SELECT x, xpath(x, 'a/b/text()'), xpath_int(x, 'count(a/b)') FROM VALUES ('<a><b>3</b></a>'), ('<a/>'), ('<a><b>1</b><b>2</b></a>'), (NULL) AS t(x) ORDER BY x
-- name: xpath_malformed_xml
SELECT xpath('<a><b>1</b>', 'a/b')
-- name: xpath_invalid_path
SELECT xpath('<a><b>1</b></a>', 'a/b[')
