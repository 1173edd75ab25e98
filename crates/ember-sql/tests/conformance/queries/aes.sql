-- Spark's AES functions (issue 20). Encryption draws a random IV unless given one, so the
-- recorded ciphertexts use ECB or an explicit IV; the others are checked by decrypting.
-- name: aes_documented_decryptions
SELECT CAST(aes_decrypt(unhex('83F16B2AA704794132802D248E6BFD4E380078182D1544813898AC97E709B28A94'), '0000111122223333') AS STRING), CAST(aes_decrypt(unhex('6E7CA17BBB468D3084B5744BCA729FB7B2B7BCB8E4472847D02670489D95FA97DBBA7D3210'), '0000111122223333', 'GCM') AS STRING), CAST(aes_decrypt(unbase64('3lmwu+Mw0H3fi5NDvcu9lg=='), '1234567890abcdef', 'ECB', 'PKCS') AS STRING), CAST(aes_decrypt(unbase64('2NYmDCjgXTbbxGA3/SnJEfFC/JQ7olk2VQWReIAAFKo='), '1234567890abcdef', 'CBC') AS STRING), CAST(aes_decrypt(unbase64('AAAAAAAAAAAAAAAAQiYi+sTLm7KD9UcZ2nlRdYDe/PX4'), 'abcdefghijklmnop12345678ABCDEFGH', 'GCM', 'DEFAULT', 'This is an AAD mixed into the input') AS STRING)
-- name: aes_deterministic_encryptions
SELECT base64(aes_encrypt('Spark SQL', '1234567890abcdef', 'ECB', 'PKCS')), hex(aes_encrypt('Spark', '000011112222333344445555', 'ECB')), hex(aes_encrypt('Spark', '0000111122223333', 'CBC', 'PKCS', unhex('000102030405060708090A0B0C0D0E0F'))), base64(aes_encrypt('Spark', 'abcdefghijklmnop12345678ABCDEFGH', 'GCM', 'DEFAULT', unhex('000000000000000000000000'), 'This is an AAD mixed into the input')), hex(aes_encrypt('', '0000111122223333', 'ecb', 'pkcs'))
-- name: aes_random_iv_round_trips
SELECT length(aes_encrypt('Spark', '0000111122223333')), length(aes_encrypt('Spark', '0000111122223333', 'CBC')), CAST(aes_decrypt(aes_encrypt('Spark', '0000111122223333'), '0000111122223333') AS STRING), CAST(aes_decrypt(aes_encrypt('Spark', '000011112222333344445555', 'CBC'), '000011112222333344445555', 'CBC') AS STRING)
-- name: aes_nulls
SELECT aes_encrypt(NULL, '0000111122223333'), aes_encrypt('Spark', NULL), aes_decrypt(NULL, '0000111122223333'), try_aes_decrypt(X'00', NULL)
-- name: try_aes_decrypt_failures_are_null
SELECT try_aes_decrypt(aes_encrypt('Spark', '0000111122223333', 'ECB'), '1111111111111111', 'ECB'), try_aes_decrypt(X'00', '0000'), CAST(try_aes_decrypt(unbase64('3lmwu+Mw0H3fi5NDvcu9lg=='), '1234567890abcdef', 'ECB') AS STRING)
-- name: aes_bad_key_length
SELECT aes_encrypt('Spark', '0000')
-- name: aes_unsupported_mode
SELECT aes_encrypt('Spark', '0000111122223333', 'CTR')
-- name: aes_ecb_with_iv
SELECT aes_encrypt('Spark', '0000111122223333', 'ECB', 'PKCS', unhex('000102030405060708090A0B0C0D0E0F'))
-- name: aes_wrong_key
SELECT aes_decrypt(aes_encrypt('Spark', '0000111122223333', 'GCM'), '1111111111111111', 'GCM')
-- name: aes_wrong_input_type
SELECT aes_encrypt(1, '0000111122223333')
-- name: aes_random_ivs_differ
SELECT aes_encrypt('Spark', '0000111122223333') = aes_encrypt('Spark', '0000111122223333')
