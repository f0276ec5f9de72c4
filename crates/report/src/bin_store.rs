//! Keep a run's per-bin estimates in a temporary file, bin after bin, so that memory
//! does not grow with simulated time.

use crate::stats::Estimate;
use std::io::{Read, Seek, SeekFrom, Write};
use std::sync::Mutex;

/// Bytes of one estimate: mean, low, high (`f64`), then n (`u32`), little-endian.
const RECORD: usize = 28;

/// Hold the estimates of every (bin, cell) of a run, `width` cells per bin, in a
/// temporary file (in memory when none can be made, as the spool does).
///
/// The reduction appends bins as it finishes them and the tables, charts and checks
/// read them back by position, so a 7-day run's 3 million estimates (some 90 MB) stay
/// on disk. The file holds the estimates' bits: what is read back is what was written.
///
/// ```
/// use s3sim_report::bin_store::BinStore;
/// use s3sim_report::stats::Estimate;
/// let e = |mean| Estimate { mean, low: -0.0, high: f64::NAN, n: 3 };
/// let mut store = BinStore::new(2);
/// store.push(&[e(1.0), e(2.0)]);
/// store.push(&[e(3.0), e(4.0)]);
/// assert_eq!(store.bins(), 2);
/// assert_eq!(store.get(1, 0).mean, 3.0);
/// assert_eq!(store.bin(0)[1].mean, 2.0);
/// assert!(store.get(0, 1).low.is_sign_negative());
/// ```
pub struct BinStore {
    width: usize,
    bins: usize,
    backing: Mutex<Backing>,
}

/// Where the estimates are.
enum Backing {
    Disk(std::fs::File),
    Memory(Vec<u8>),
}

impl BinStore {
    /// Start an empty store of `width` estimates per bin.
    pub fn new(width: usize) -> Self {
        BinStore {
            width,
            bins: 0,
            backing: Mutex::new(
                tempfile::tempfile().map_or(Backing::Memory(Vec::new()), Backing::Disk),
            ),
        }
    }

    /// Give the number of bins stored.
    pub fn bins(&self) -> usize {
        self.bins
    }

    /// Append the next bin's estimates.
    ///
    /// If the temporary file stops taking writes (a full disk), the store moves what it
    /// holds into memory and goes on there: the run completes, with the memory the file
    /// was saving.
    ///
    /// # Panics
    ///
    /// If `estimates` is not `width` long, or the file fails a write and then cannot
    /// be read back.
    pub fn push(&mut self, estimates: &[Estimate]) {
        assert_eq!(estimates.len(), self.width, "one estimate per cell");
        let bytes = encode(estimates);
        let stored = self.bins * self.width * RECORD;
        let backing = self.backing.get_mut().unwrap_or_else(|e| e.into_inner());
        if let Backing::Disk(file) = backing {
            let appended = file
                .seek(SeekFrom::Start(stored as u64))
                .and_then(|_| file.write_all(&bytes));
            if appended.is_err() {
                *backing = Backing::Memory(read_back(file, stored));
            }
        }
        if let Backing::Memory(all) = backing {
            all.extend_from_slice(&bytes);
        }
        self.bins += 1;
    }

    /// Read the estimate of `cell` in `bin`.
    ///
    /// # Panics
    ///
    /// If `bin` or `cell` is out of range, or the temporary file cannot be read.
    pub fn get(&self, bin: usize, cell: usize) -> Estimate {
        assert!(cell < self.width, "cell {cell} of {}", self.width);
        decode(&self.read(bin * self.width + cell, 1))
    }

    /// Read every estimate of `bin`, in cell order.
    ///
    /// # Panics
    ///
    /// If `bin` is out of range, or the temporary file cannot be read.
    pub fn bin(&self, bin: usize) -> Vec<Estimate> {
        self.read(bin * self.width, self.width)
            .chunks_exact(RECORD)
            .map(decode)
            .collect()
    }

    /// The bytes of `count` records from record `first`.
    fn read(&self, first: usize, count: usize) -> Vec<u8> {
        assert!(
            first + count <= self.bins * self.width,
            "bin {} of {}",
            first / self.width.max(1),
            self.bins
        );
        let (start, len) = (first * RECORD, count * RECORD);
        match &mut *self.backing.lock().unwrap_or_else(|e| e.into_inner()) {
            Backing::Disk(file) => {
                read_at(file, start, len).expect("the estimates file reads back")
            }
            Backing::Memory(all) => all[start..start + len].to_vec(),
        }
    }
}

impl std::fmt::Debug for BinStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BinStore")
            .field("width", &self.width)
            .field("bins", &self.bins)
            .finish_non_exhaustive()
    }
}

/// Two stores are equal when they hold equal estimates (NaN unequal, as in [`Estimate`]).
impl PartialEq for BinStore {
    fn eq(&self, other: &Self) -> bool {
        (self.width, self.bins) == (other.width, other.bins)
            && (0..self.bins).all(|bin| self.bin(bin) == other.bin(bin))
    }
}

/// The first `len` bytes of `file`: what was stored before a write failed (a failed
/// write may have left part of its bytes after them).
fn read_back(file: &mut std::fs::File, len: usize) -> Vec<u8> {
    read_at(file, 0, len).expect("the estimates file reads back what it took")
}

/// The `len` bytes of `file` from byte `start`.
fn read_at(file: &mut std::fs::File, start: usize, len: usize) -> std::io::Result<Vec<u8>> {
    let mut bytes = vec![0; len];
    file.seek(SeekFrom::Start(start as u64))?;
    file.read_exact(&mut bytes)?;
    Ok(bytes)
}

/// The `RECORD` bytes of each estimate, in order.
///
/// Whole slices rather than a byte iterator: the byte-wise `flat_map` this replaces
/// cost 0.75 G of the 8.73 G instructions of a 1.4 M-request run of the light reference
/// study at a sixth of its rates (cachegrind), all of it in the report.
fn encode(estimates: &[Estimate]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(estimates.len() * RECORD);
    for e in estimates {
        for x in [e.mean, e.low, e.high] {
            bytes.extend_from_slice(&x.to_le_bytes());
        }
        bytes.extend_from_slice(&e.n.to_le_bytes());
    }
    bytes
}

fn decode(bytes: &[u8]) -> Estimate {
    let float = |k: usize| f64::from_le_bytes(bytes[8 * k..8 * k + 8].try_into().expect("8 bytes"));
    Estimate {
        mean: float(0),
        low: float(1),
        high: float(2),
        n: u32::from_le_bytes(bytes[24..RECORD].try_into().expect("4 bytes")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn estimate(mean: f64) -> Estimate {
        Estimate {
            mean,
            low: mean - 1.0,
            high: mean + 1.0,
            n: 2,
        }
    }

    #[test]
    fn a_file_that_stops_taking_writes_hands_its_bins_over_to_memory() {
        // One bin already on disk, then the file refuses writes (opened read-only, as
        // a full disk refuses them): the next pushes go on in memory, nothing lost.
        let mut path = tempfile::NamedTempFile::new().expect("a temporary file");
        let first = encode(&[estimate(1.0), estimate(2.0)]);
        path.write_all(&first).expect("the first bin written");
        let read_only = std::fs::File::open(path.path()).expect("reopened read-only");
        let mut store = BinStore {
            width: 2,
            bins: 1,
            backing: Mutex::new(Backing::Disk(read_only)),
        };
        store.push(&[estimate(3.0), estimate(4.0)]);
        store.push(&[estimate(5.0), estimate(6.0)]);
        assert!(matches!(
            *store.backing.lock().expect("not poisoned"),
            Backing::Memory(_)
        ));
        let means: Vec<f64> = (0..3)
            .flat_map(|bin| store.bin(bin))
            .map(|e| e.mean)
            .collect();
        assert_eq!(means, [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        assert_eq!(store.get(1, 1), estimate(4.0));
    }
}
