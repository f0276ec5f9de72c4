//! Keep finished replica outputs compact until they are reduced: the binary encoding
//! shared with shard files, and a spool that holds a run's outputs on disk.
//!
//! A run reduces its replicas in two passes in replica order ([`crate::aggregate::Reducer`]);
//! the spool lets replicas finish in any order on any thread while memory holds only
//! an offset per job.

use flate2::Compression;
use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;
use s3sim_model::world::ReplicaOutput;
use std::io::{Read, Seek, SeekFrom, Write};
use std::sync::Mutex;

/// Encode `output` (traces are not kept) as postcard: integers as varints, so the many
/// zero counters of a quiet bin take one byte each.
///
/// # Errors
///
/// The encoder's message, if serialisation fails.
pub(crate) fn encode(output: &ReplicaOutput) -> Result<Vec<u8>, String> {
    postcard::to_stdvec(output).map_err(|e| e.to_string())
}

/// Decode what [`encode`] wrote.
///
/// # Errors
///
/// The decoder's message for bytes that are not an encoded output (the shapes are not
/// checked here).
pub(crate) fn decode(bytes: &[u8]) -> Result<ReplicaOutput, String> {
    postcard::from_bytes(bytes).map_err(|e| e.to_string())
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
    pub(crate) fn put(&self, k: usize, output: &ReplicaOutput) {
        // A replica output is plain numbers: postcard cannot fail on it.
        let bytes = deflate(&encode(output).unwrap_or_default(), 1);
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
        let bytes = match &self.slots.lock().unwrap_or_else(|e| e.into_inner())[k] {
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
        };
        let raw = inflate(&bytes, u64::MAX - 1).expect("the spool holds what it wrote");
        decode(&raw).expect("the spool holds what it wrote")
    }
}
