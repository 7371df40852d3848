//! A map keyed by sid for the handful of participants of a call: a vector is all it needs,
//! and it keeps a hash table out of the WebAssembly. Some methods only the sandbox's mesh uses.

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

    pub fn get_mut(&mut self, key: &str) -> Option<&mut V> {
        self.0.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    #[cfg(feature = "sandbox")]
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub fn get_or_insert_with(&mut self, key: &str, make: impl FnOnce() -> V) -> &mut V {
        let i = match self.0.iter().position(|(k, _)| k == key) {
            Some(i) => i,
            None => {
                self.0.push((key.to_owned(), make()));
                self.0.len() - 1
            }
        };
        &mut self.0[i].1
    }

    #[cfg(feature = "sandbox")]
    pub fn get_or_default(&mut self, key: &str) -> &mut V
    where
        V: Default,
    {
        self.get_or_insert_with(key, V::default)
    }

    /// Sets the value; returns the one it replaced.
    pub fn insert(&mut self, key: String, value: V) -> Option<V> {
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => Some(std::mem::replace(&mut slot.1, value)),
            None => {
                self.0.push((key, value));
                None
            }
        }
    }

    pub fn remove(&mut self, key: &str) -> Option<V> {
        let i = self.0.iter().position(|(k, _)| k == key)?;
        Some(self.0.swap_remove(i).1)
    }

    #[cfg(feature = "sandbox")]
    pub fn iter(&self) -> impl Iterator<Item = (&str, &V)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Keeps only the entries `keep` says yes to.
    #[cfg(feature = "sandbox")]
    pub fn retain(&mut self, mut keep: impl FnMut(&str) -> bool) {
        self.0.retain(|(k, _)| keep(k));
    }

    #[cfg(feature = "sandbox")]
    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.0.iter().map(|(_, v)| v)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Empties the table; returns what it held.
    pub fn take_values(&mut self) -> Vec<V> {
        self.0.drain(..).map(|(_, v)| v).collect()
    }

    pub fn clear(&mut self) {
        self.0.clear();
    }

    /// Empties the table; returns the keys it had.
    #[cfg(feature = "sandbox")]
    pub fn take_keys(&mut self) -> Vec<String> {
        self.0.drain(..).map(|(k, _)| k).collect()
    }
}
