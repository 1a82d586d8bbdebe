-- 400 products, 50 in each of 8 categories; only when the table is empty (the postgres profile runs this at every start).
-- Plain SQL that H2 and PostgreSQL both understand.
INSERT INTO product (id, sku, name, category, price, version)
SELECT n,
	CONCAT('SKU-', LPAD(CAST(n AS VARCHAR(5)), 5, '0')),
	CONCAT(CASE MOD(n, 5) WHEN 0 THEN 'Classic' WHEN 1 THEN 'Compact' WHEN 2 THEN 'Deluxe' WHEN 3 THEN 'Eco' ELSE 'Pro' END,
		' ',
		CASE MOD(n, 8) WHEN 0 THEN 'novel' WHEN 1 THEN 'board game' WHEN 2 THEN 'watering can' WHEN 3 THEN 'chef knife'
			WHEN 4 THEN 'vinyl record' WHEN 5 THEN 'tent' WHEN 6 THEN 'puzzle' ELSE 'cordless drill' END,
		' ', n),
	CASE MOD(n, 8) WHEN 0 THEN 'books' WHEN 1 THEN 'games' WHEN 2 THEN 'garden' WHEN 3 THEN 'kitchen'
		WHEN 4 THEN 'music' WHEN 5 THEN 'outdoor' WHEN 6 THEN 'toys' ELSE 'tools' END,
	CAST((MOD(n * 37, 9000) + 499) / 100.0 AS NUMERIC(10, 2)),
	1
FROM (SELECT ones.d + 10 * tens.d + 100 * hundreds.d + 1 AS n
	FROM (VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)) AS ones (d)
	CROSS JOIN (VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)) AS tens (d)
	CROSS JOIN (VALUES (0), (1), (2), (3)) AS hundreds (d)) AS numbers
WHERE NOT EXISTS (SELECT 1 FROM product);
