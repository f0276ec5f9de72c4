//! Keep finished replica outputs compact until they are reduced: the binary encoding
//! shared with shard files, and a spool that holds a run's outputs on disk.
//!
//! A run reduces its replicas in two passes in replica order ([`crate::aggregate::Reducer`]);
//! the spool lets replicas finish in any order on any thread while memory holds only
//! an offset per job.

use flate2::Compression;
use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;
use s3sim_model::metrics::COUNTERS;
use s3sim_model::metrics::facility::{FACILITY_COUNTERS, FacilityRow};
use s3sim_model::world::ReplicaOutput;
use serde::{Deserialize, Serialize};
use std::io::{Read, Seek, SeekFrom, Write};
use std::sync::Mutex;

/// Encode `output` (traces are not kept) compactly: postcard (integers as varints),
/// counters stored column by column (one counter of one group over the bins), each
/// value as the zigzag difference from the same group's previous bin.
///
/// Counters change little from bin to bin, so most differences are 0 or small and take
/// one byte, and runs of equal bytes compress well: a replica of the default scenario
/// gzips to some 12 kB as plain postcard and to some 6 kB this way.
///
/// # Errors
///
/// The encoder's message, if serialisation fails.
pub(crate) fn encode(output: &ReplicaOutput) -> Result<Vec<u8>, String> {
    columns_of(postcard::to_stdvec(output).map_err(|e| e.to_string())?)
}

/// Turn an output's plain postcard bytes into [`encode`]'s, the plain bytes dropped as
/// soon as they are read.
fn columns_of(plain: Vec<u8>) -> Result<Vec<u8>, String> {
    let rows: Wire = postcard::from_bytes(&plain).map_err(|e| e.to_string())?;
    drop(plain);
    postcard::to_stdvec(&rows.into_columns()).map_err(|e| e.to_string())
}

/// Decode what [`encode`] wrote.
///
/// # Errors
///
/// The decoder's message for bytes that are not an encoded output (the shapes are not
/// checked here, only that the counters make whole rows).
pub(crate) fn decode(bytes: &[u8]) -> Result<ReplicaOutput, String> {
    let columns: Wire = postcard::from_bytes(bytes).map_err(|e| e.to_string())?;
    // The rows are re-encoded and dropped before the output is built, so that the
    // counters are never held three times (rows, their bytes, the output).
    let rows = postcard::to_stdvec(&columns.into_rows()?).map_err(|e| e.to_string())?;
    postcard::from_bytes(&rows).map_err(|e| e.to_string())
}

/// [`ReplicaOutput`] as it serialises (field for field, in order), with the counters
/// as flat vectors that can be reordered. A round-trip test keeps the two in step.
#[derive(Serialize, Deserialize)]
struct Wire {
    metrics: WireMetrics,
    facilities: WireFacilities,
    issued: u64,
    completed: u64,
    in_flight: u64,
    events: u64,
}

#[derive(Serialize, Deserialize)]
struct WireMetrics {
    bin_width: u64,
    bins: usize,
    groups: usize,
    counts: Vec<u64>,
    quantiles: Vec<Option<[u64; 2]>>,
}

#[derive(Serialize, Deserialize)]
struct WireFacilities {
    bin_width: u64,
    duration: u64,
    bins: usize,
    servers: Vec<u32>,
    counts: Vec<FacilityRow>,
    waits: Vec<Option<[u64; 2]>>,
}

impl Wire {
    fn into_columns(mut self) -> Wire {
        let stride = self.metrics.groups.max(1);
        self.metrics.counts =
            to_columns(std::mem::take(&mut self.metrics.counts), COUNTERS, stride);
        let stride = self.facilities.servers.len().max(1);
        let flat: Vec<u64> = self.facilities.counts.iter().flatten().copied().collect();
        let columns = to_columns(flat, FACILITY_COUNTERS, stride);
        self.facilities.counts = rows_of(&columns);
        self
    }

    fn into_rows(mut self) -> Result<Wire, String> {
        let stride = self.metrics.groups.max(1);
        self.metrics.counts =
            from_columns(std::mem::take(&mut self.metrics.counts), COUNTERS, stride)
                .ok_or("metrics.counts: not whole rows of counters")?;
        let stride = self.facilities.servers.len().max(1);
        let flat: Vec<u64> = self.facilities.counts.iter().flatten().copied().collect();
        let rows = from_columns(flat, FACILITY_COUNTERS, stride)
            .ok_or("facilities.counts: not whole rows of counters")?;
        self.facilities.counts = rows_of(&rows);
        Ok(self)
    }
}

/// Cut `flat` into rows of [`FACILITY_COUNTERS`] (its length is a multiple of it).
fn rows_of(flat: &[u64]) -> Vec<FacilityRow> {
    flat.chunks_exact(FACILITY_COUNTERS)
        .map(|chunk| {
            let mut row = [0; FACILITY_COUNTERS];
            row.copy_from_slice(chunk);
            row
        })
        .collect()
}

/// Reorder rows of `width` values column by column, each value replaced by the zigzag
/// of its wrapping difference from the value `stride` rows above (0 for the first rows).
/// A length that is not whole rows is kept as it is (decoding refuses it).
///
/// In place, from the last row up, so that the rows above are still values.
fn to_columns(mut values: Vec<u64>, width: usize, stride: usize) -> Vec<u64> {
    if values.len() % width != 0 {
        return values;
    }
    let n = values.len() / width;
    for row in (0..n).rev() {
        for column in 0..width {
            let above = row
                .checked_sub(stride)
                .map_or(0, |r| values[r * width + column]);
            let d = values[row * width + column].wrapping_sub(above);
            values[row * width + column] = (d << 1) ^ ((d as i64 >> 63) as u64);
        }
    }
    transpose(&mut values, width);
    values
}

/// Undo [`to_columns`] in place (a 7-day run's counters are some 16 MB: no second
/// copy); `None` when `columns` is not whole rows of `width`.
fn from_columns(mut values: Vec<u64>, width: usize, stride: usize) -> Option<Vec<u64>> {
    if values.len() % width != 0 {
        return None;
    }
    let n = values.len() / width;
    transpose(&mut values, n);
    for row in 0..n {
        for column in 0..width {
            let z = values[row * width + column];
            let d = (z >> 1) ^ (z & 1).wrapping_neg();
            let above = row
                .checked_sub(stride)
                .map_or(0, |r| values[r * width + column]);
            values[row * width + column] = above.wrapping_add(d);
        }
    }
    Some(values)
}

/// Turn `values`, columns of `n` values one after another, into rows, in place: the
/// value at `column * n + row` moves to `row * width + column`, following each cycle
/// of that permutation once (one bit per value marks where it is done). With `n` the
/// width of rows, it turns rows into columns.
fn transpose(values: &mut [u64], n: usize) {
    let len = values.len();
    if n == 0 {
        return;
    }
    let width = len / n;
    let mut placed = vec![0u64; len.div_ceil(64)];
    for start in 0..len {
        if placed[start / 64] >> (start % 64) & 1 == 1 {
            continue;
        }
        let (mut k, mut carried) = (start, values[start]);
        loop {
            let to = (k % n) * width + k / n;
            std::mem::swap(&mut carried, &mut values[to]);
            placed[to / 64] |= 1 << (to % 64);
            k = to;
            if k == start {
                break;
            }
        }
    }
}

/// Deflate `bytes` at `level` (0–9).
pub(crate) fn deflate(bytes: &[u8], level: u32) -> Vec<u8> {
    let mut encoder = DeflateEncoder::new(Vec::new(), Compression::new(level));
    // Writing into a Vec cannot fail.
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default()
}

/// Inflate at most `limit` bytes of `bytes`; `Err` when it is not deflate data or
/// inflates past `limit`.
pub(crate) fn inflate(bytes: &[u8], limit: u64) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    DeflateDecoder::new(bytes)
        .take(limit + 1)
        .read_to_end(&mut out)
        .map_err(|e| format!("not whole deflate data ({e})"))?;
    if out.len() as u64 > limit {
        return Err(format!("larger than {limit} bytes uncompressed"));
    }
    Ok(out)
}

/// Where one spooled job is.
enum Slot {
    /// Not finished yet.
    Empty,
    /// In the spool file: offset and length.
    Disk(u64, u64),
    /// Kept in memory (the spool file could not be written).
    Memory(Vec<u8>),
}

/// Hold the compressed outputs of a run's jobs, by job index, in an anonymous
/// temporary file (deleted by the system when dropped), or in memory where no
/// temporary file can be written.
pub(crate) struct Spool {
    file: Mutex<Option<std::fs::File>>,
    slots: Mutex<Vec<Slot>>,
}

impl Spool {
    /// Make a spool for `jobs` jobs.
    pub(crate) fn new(jobs: usize) -> Spool {
        Spool {
            file: Mutex::new(tempfile::tempfile().ok()),
            slots: Mutex::new((0..jobs).map(|_| Slot::Empty).collect()),
        }
    }

    /// Keep the output of job `k`.
    pub(crate) fn put(&self, k: usize, output: ReplicaOutput) {
        // A replica output is plain numbers: postcard cannot fail on it. It is dropped
        // as soon as it is plain bytes, before its counters are turned into columns.
        let plain = postcard::to_stdvec(&output).unwrap_or_default();
        drop(output);
        let bytes = deflate(&columns_of(plain).unwrap_or_default(), 1);
        let slot = {
            let mut file = self.file.lock().unwrap_or_else(|e| e.into_inner());
            let written = file.as_mut().and_then(|f| {
                let offset = f.seek(SeekFrom::End(0)).ok()?;
                f.write_all(&bytes).ok()?;
                Some(offset)
            });
            match written {
                Some(offset) => Slot::Disk(offset, bytes.len() as u64),
                None => Slot::Memory(bytes),
            }
        };
        self.slots.lock().unwrap_or_else(|e| e.into_inner())[k] = slot;
    }

    /// Give back the output of job `k`.
    ///
    /// # Panics
    ///
    /// If job `k` was not put, or the spool file no longer reads back what was written
    /// (the temporary file was damaged under the running process).
    pub(crate) fn get(&self, k: usize) -> ReplicaOutput {
        let raw = inflate(&self.bytes(k), u64::MAX - 1).expect("the spool holds what it wrote");
        decode(&raw).expect("the spool holds what it wrote")
    }

    /// The compressed bytes of job `k`.
    fn bytes(&self, k: usize) -> Vec<u8> {
        match &self.slots.lock().unwrap_or_else(|e| e.into_inner())[k] {
            Slot::Empty => panic!("job {k} was reduced before it finished"),
            Slot::Memory(bytes) => bytes.clone(),
            Slot::Disk(offset, len) => {
                let mut file = self.file.lock().unwrap_or_else(|e| e.into_inner());
                let file = file.as_mut().expect("a spool file was written");
                let mut bytes = vec![0; *len as usize];
                file.seek(SeekFrom::Start(*offset))
                    .and_then(|_| file.read_exact(&mut bytes))
                    .expect("the spool file reads back");
                bytes
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn output() -> ReplicaOutput {
        let loaded = s3sim_scenario::parse(s3sim_scenario::DEFAULT_SCENARIO, "d").unwrap();
        let mut world = (*loaded.world).clone();
        world.duration = s3sim_engine::SimDuration::from_secs(1800);
        let streams = s3sim_engine::RandomStreams::for_replica(3, 0);
        s3sim_model::world::run_replica(&world, streams)
    }

    #[test]
    fn an_output_decodes_to_itself_and_its_json_is_equal() {
        let mut original = output();
        original.traces.clear();
        let decoded = decode(&encode(&original).unwrap()).unwrap();
        assert_eq!(decoded, original);
        assert_eq!(
            serde_json::to_string(&decoded).unwrap(),
            serde_json::to_string(&original).unwrap()
        );
    }

    #[test]
    fn columns_with_wrapping_differences_come_back_exactly() {
        let rows = [5, u64::MAX, 0, 7, 1, 3, 9, 0, u64::MAX, 2, 2, 2];
        for stride in 1..4 {
            let columns = to_columns(rows.to_vec(), 3, stride);
            assert_eq!(from_columns(columns, 3, stride).unwrap(), rows);
        }
        assert_eq!(from_columns(rows[..11].to_vec(), 3, 1), None);
    }

    #[test]
    fn rows_become_zigzag_differences_column_by_column_as_shard_files_hold_them() {
        // Rows (1, 2), (4, 8), (5, 3): differences 1, 3, 1 and 2, 6, -5.
        assert_eq!(
            to_columns(vec![1, 2, 4, 8, 5, 3], 2, 1),
            [2, 6, 2, 4, 12, 9]
        );
    }

    #[test]
    fn columns_of_any_shape_turn_back_into_the_same_rows_in_place() {
        for width in 1..7 {
            for n in 0..9 {
                let rows: Vec<u64> = (0..(width * n) as u64)
                    .map(|v| v.wrapping_mul(0x9e37_79b9_7f4a_7c15))
                    .collect();
                let columns = to_columns(rows.clone(), width, 2);
                assert_eq!(
                    from_columns(columns, width, 2).unwrap(),
                    rows,
                    "{width}×{n}"
                );
            }
        }
    }

    #[test]
    fn the_spool_gives_back_each_job_whatever_the_order_it_was_put_in() {
        let (a, mut b) = (output(), output());
        b.issued += 1;
        let spool = Spool::new(2);
        let issued = a.issued;
        spool.put(1, b);
        spool.put(0, a);
        assert_eq!(spool.get(0).issued, issued);
        assert_eq!(spool.get(1).issued, issued + 1);
    }
}
