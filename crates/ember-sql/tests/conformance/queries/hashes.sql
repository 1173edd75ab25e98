-- Hash functions (issue 20): Spark's Murmur3 hash (seed 42), md5, sha/sha1, sha2, crc32.
-- name: hash_of_ints
SELECT hash(1), hash(0), hash(-1), hash(2147483647)
-- name: hash_of_strings
SELECT hash(''), hash('abc'), hash('Spark SQL'), hash('héllo wörld')
-- name: hash_of_columns
SELECT id, hash(name), hash(age), hash(salary), hash(hired) FROM people ORDER BY id
-- name: hash_of_several
SELECT id, hash(id, name, age) FROM people ORDER BY id
-- name: hash_of_longs_and_doubles
SELECT hash(1L), hash(9223372036854775807L), hash(1.5D), hash(0.0D), hash(-0.0D)
-- name: hash_of_small_types
SELECT hash(1Y), hash(1S), hash(true), hash(false), hash(1.5F)
-- name: hash_of_decimals
SELECT hash(2.5), hash(CAST(123.45 AS DECIMAL(10, 2))), hash(CAST(1 AS DECIMAL(30, 0)))
-- name: hash_of_null
SELECT hash(NULL), hash(NULL, 1), hash(1, NULL)
-- name: hash_of_dates_timestamps
SELECT hash(DATE '2024-01-15'), hash(TIMESTAMP '2024-01-15 08:30:00')
-- name: hash_of_array_and_struct
SELECT hash(array(1, 2, 3)), hash(named_struct('a', 1, 'b', 'x')), hash(array('a', NULL))
-- name: hash_of_binary
SELECT hash(X'00'), hash(X'0102030405')
-- name: md5_of_strings
SELECT md5(''), md5('abc'), md5('The quick brown fox jumps over the lazy dog')
-- name: md5_of_column
SELECT id, md5(name) FROM people ORDER BY id
-- name: sha_and_sha1
SELECT sha('abc'), sha1('abc'), sha1(name) FROM people WHERE id = 1
-- name: sha2_variants
SELECT sha2('abc', 256), sha2('abc', 224), sha2('abc', 512), sha2('abc', 0)
-- name: crc32_values
SELECT crc32('abc'), crc32(''), crc32(name) FROM people WHERE id = 1
-- name: xxhash64_values
SELECT xxhash64('abc'), xxhash64(1), xxhash64(1, 'a')
-- name: md5_of_null
SELECT md5(NULL), sha1(NULL), crc32(NULL)
