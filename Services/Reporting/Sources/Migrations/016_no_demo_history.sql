-- 013 put six sample rows of the old system (the manual's screenshots, with made-up names and
-- phone numbers) into every database, production included. The old system's real rows come
-- by their own data migration; demo rows are the development seed's (`BindingStore.seedDemo`,
-- DEV_MODE only). Removed, unless someone already asked to bind one.
DELETE FROM history_records h
WHERE h.legacy_id IN ('legacy-2017-0001', 'legacy-2017-0002', 'legacy-2015-0003', 'legacy-2015-0004',
                      'legacy-2016-0005', 'legacy-2017-0006')
  AND NOT EXISTS (SELECT 1 FROM history_bindings b WHERE b.record_id = h.id);
