//! A map keyed by sid for the handful of participants of a call: a vector is all it needs,
//! and it keeps a hash table out of the WebAssembly.

pub struct Table<V>(Vec<(String, V)>);

impl<V> Default for Table<V> {
    fn default() -> Self {
        Table(Vec::new())
    }
}

impl<V> Table<V> {
    pub fn get(&self, key: &str) -> Option<&V> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub fn get_or_default(&mut self, key: &str) -> &mut V
    where
        V: Default,
    {
        let i = match self.0.iter().position(|(k, _)| k == key) {
            Some(i) => i,
            None => {
                self.0.push((key.to_owned(), V::default()));
                self.0.len() - 1
            }
        };
        &mut self.0[i].1
    }

    pub fn insert(&mut self, key: String, value: V) {
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => self.0.push((key, value)),
        }
    }

    pub fn remove(&mut self, key: &str) -> Option<V> {
        let i = self.0.iter().position(|(k, _)| k == key)?;
        Some(self.0.swap_remove(i).1)
    }

    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.0.iter().map(|(_, v)| v)
    }

    pub fn clear(&mut self) {
        self.0.clear();
    }

    /// Empties the table; returns the keys it had.
    pub fn take_keys(&mut self) -> Vec<String> {
        self.0.drain(..).map(|(k, _)| k).collect()
    }
}
