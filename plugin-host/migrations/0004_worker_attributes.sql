-- Workers carry TaskRouter's friendly name and attributes (Flex keeps the agent's `full_name` there).
ALTER TABLE workers ADD COLUMN friendly_name TEXT NOT NULL DEFAULT '';
ALTER TABLE workers ADD COLUMN attributes TEXT NOT NULL DEFAULT '{}';
UPDATE workers SET friendly_name = identity,
    attributes = json_object('contact_uri', 'client:' || identity);
