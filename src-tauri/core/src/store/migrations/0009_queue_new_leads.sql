-- queue_new_leads: new leads are queued for search indexing by the store
-- (`cache::queue_for_search`, one statement per page of leads), no longer by a trigger.
-- The trigger ran once per inserted row and doubled the cost of storing a lead (~3 µs of
-- ~6 µs), which is most of what the initial sync spends beyond fetching. Updates and
-- deletes keep their triggers: they are few, and come from several places.
DROP TRIGGER lead_search_insert;
