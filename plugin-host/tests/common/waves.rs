//! Sequential waves of round trips, from the recording proxy's log.
//!
//! Each request is the span from when it reached the proxy to when its answer left it. Two
//! requests belong to one **wave** when their spans overlap; a wave is a maximal group of
//! requests joined by overlapping (A with B and B with C puts all three in one wave). Sorted by
//! arrival, a request starts a new wave exactly when it arrives at or after the moment every
//! earlier request's answer had left: it could not have been sent before one of them came back,
//! so the caller waited for the waves one after another. With a fixed delay per request, a
//! function's latency is at least its waves times the delay.

/// The waves of `spans` (`(arrived, answered)` each, in any order), each as the indices of its
/// requests in order of arrival; the waves themselves in time order.
pub fn waves<T: Copy + Ord>(spans: &[(T, T)]) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..spans.len()).collect();
    order.sort_by_key(|&i| (spans[i].0, i));
    let mut out: Vec<Vec<usize>> = Vec::new();
    let mut wave_end: Option<T> = None;
    for i in order {
        let (start, end) = spans[i];
        match wave_end {
            Some(until) if start < until => {
                out.last_mut().expect("a wave is open").push(i);
                wave_end = Some(until.max(end));
            }
            _ => {
                out.push(vec![i]);
                wave_end = Some(end);
            }
        }
    }
    out
}

/// How many waves `spans` make.
pub fn count<T: Copy + Ord>(spans: &[(T, T)]) -> usize {
    waves(spans).len()
}
