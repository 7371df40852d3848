//! Sequential waves of round trips, from the recording proxy's log.
//!
//! Each request is the span from when it reached the proxy to when its answer left it. A
//! request's **wave** is one more than the highest wave among the requests whose answer had
//! left before it arrived (1 when there is none): it could have been sent only after them. A
//! call's number of waves is its highest wave, the longest run of requests each sent only once
//! the one before it had come back; requests sent together (their spans overlap) share a wave.
//! With a fixed delay per request, a call's latency is at least its waves times the delay, and a
//! call that waits for nothing but its waves takes about that long.

/// The waves of `spans` (`(arrived, answered)` each, in any order): wave 1 first, each as the
/// indices of its requests in order of arrival.
pub fn waves<T: Copy + Ord>(spans: &[(T, T)]) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..spans.len()).collect();
    order.sort_by_key(|&i| (spans[i].0, i));
    let mut level = vec![0usize; spans.len()];
    for &i in &order {
        let after = order
            .iter()
            .filter(|&&j| spans[j].1 <= spans[i].0 && j != i)
            .map(|&j| level[j])
            .max()
            .unwrap_or(0);
        level[i] = after + 1;
    }
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); level.iter().copied().max().unwrap_or(0)];
    for &i in &order {
        out[level[i] - 1].push(i);
    }
    out
}

/// How many waves `spans` make.
pub fn count<T: Copy + Ord>(spans: &[(T, T)]) -> usize {
    waves(spans).len()
}
