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
    /// # Panics
    ///
    /// If `estimates` is not `width` long, or the temporary file cannot be written.
    pub fn push(&mut self, estimates: &[Estimate]) {
        assert_eq!(estimates.len(), self.width, "one estimate per cell");
        let bytes: Vec<u8> = estimates.iter().flat_map(encode).collect();
        match self.backing.get_mut().unwrap_or_else(|e| e.into_inner()) {
            Backing::Disk(file) => file
                .seek(SeekFrom::End(0))
                .and_then(|_| file.write_all(&bytes))
                .expect("the estimates file takes what is written"),
            Backing::Memory(all) => all.extend_from_slice(&bytes),
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
        let mut bytes = vec![0; len];
        match &mut *self.backing.lock().unwrap_or_else(|e| e.into_inner()) {
            Backing::Disk(file) => file
                .seek(SeekFrom::Start(start as u64))
                .and_then(|_| file.read_exact(&mut bytes))
                .expect("the estimates file reads back"),
            Backing::Memory(all) => bytes.copy_from_slice(&all[start..start + len]),
        }
        bytes
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

fn encode(e: &Estimate) -> impl Iterator<Item = u8> {
    let floats = [e.mean, e.low, e.high].map(f64::to_le_bytes);
    floats.into_iter().flatten().chain(e.n.to_le_bytes())
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
