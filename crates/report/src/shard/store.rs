//! A shard directory on disk: its manifest, the build that wrote it, and one
//! compressed, checksummed file per finished job, each written atomically.

use crate::output::files::{OutputError, io};
use crate::runner::Job;
use crate::shard::Shard;
use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use s3sim_engine::stable_hash;
use s3sim_model::WorldConfig;
use s3sim_model::world::ReplicaOutput;
use serde::{Deserialize, Serialize};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

/// The shard format this build writes and reads.
pub(crate) const FORMAT: &str = "s3sim-shard-3";

/// The folder of a shard directory that holds one file per finished job.
pub(crate) const JOBS_DIR: &str = "jobs";

/// The largest job file `s3sim merge` decodes, compressed or not: 256 MiB. A replica of
/// the default two-hour scenario takes about 95 kB as JSON and some 6 kB in a job file, so
/// this is thousands of times any shipped scenario's; the cap stops a wrong file (or a
/// decompression bomb) from filling memory.
pub const MAX_JOB_BYTES: u64 = 256 << 20;

/// Identify the build that is running: the s3sim version and a 64-bit FNV-1a hash of
/// the executable's bytes, e.g. `0.1.0+3f0c…`.
///
/// Shards record it, and `merge` requires every shard to carry the merging build's:
/// two builds of one version may differ in any model detail, and their replicas must
/// not be mixed in one estimate. The executable is read once per process; when it
/// cannot be read, the hash part is `unknown`.
pub fn build_id() -> &'static str {
    static ID: OnceLock<String> = OnceLock::new();
    ID.get_or_init(|| {
        let hash = std::env::current_exe()
            .and_then(|exe| hash_file(&exe))
            .map_or("unknown".to_string(), |h| format!("{h:016x}"));
        format!("{}+{hash}", env!("CARGO_PKG_VERSION"))
    })
}

fn hash_file(path: &Path) -> std::io::Result<u64> {
    let mut file = std::fs::File::open(path)?;
    let mut buffer = vec![0u8; 1 << 16];
    let mut hash = stable_hash(b"");
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            return Ok(hash);
        }
        hash = buffer[..n].iter().fold(hash, |h, &b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        });
    }
}

/// Describe which run a shard belongs to and which build wrote it (`shard.json`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShardManifest {
    /// Shard file format.
    pub format: String,
    /// The s3sim version that wrote it.
    pub s3sim_version: String,
    /// The build that wrote it ([`build_id`]).
    pub build_id: String,
    /// Scenario name.
    pub scenario: String,
    /// Where the scenario came from (kept so merged outputs match unsharded ones).
    pub origin: String,
    /// Hash of the scenario text.
    pub scenario_hash: String,
    /// Master seed.
    pub seed: u64,
    /// Replicas per point.
    pub replicas: u32,
    /// Sweep points.
    pub points: usize,
    /// This shard.
    pub shard: Shard,
    /// How many jobs this shard runs.
    pub jobs: u64,
}

impl ShardManifest {
    /// This shard's jobs, in order.
    pub fn job_list(&self) -> impl Iterator<Item = Job> {
        self.shard.jobs(self.points, self.replicas)
    }
}

/// The first line of a job file: which job, and the checksum of the payload after it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct JobHeader {
    pub job: Job,
    /// FNV-1a 64 of the payload bytes, hex.
    pub payload_fnv1a64: String,
    pub payload_bytes: u64,
    /// Wall-clock time the job took, in milliseconds (for `s3sim status`'s estimate).
    pub wall_ms: u64,
}

/// The file of `job` in the shard directory `dir`.
pub(crate) fn job_path(dir: &Path, job: Job) -> PathBuf {
    dir.join(JOBS_DIR)
        .join(format!("{}-{}.bin.gz", job.point, job.replica))
}

/// Encode a replica output as a job file's payload: postcard (integers as varints),
/// counters column by column as differences from the previous bin (mostly zeros, a
/// byte each, whose runs gzip folds): about 6 kB gzip'd for a replica of the default
/// scenario, 16× smaller than its 95 kB of JSON.
///
/// # Errors
///
/// The encoder's message.
pub fn encode_payload(output: &ReplicaOutput) -> Result<Vec<u8>, String> {
    crate::spool::encode(output)
}

/// Decode a job file's payload (no shape check: merge checks shapes against the
/// scenario before reducing).
///
/// # Errors
///
/// The decoder's message, for bytes that are not an encoded replica output.
pub fn decode_payload(payload: &[u8]) -> Result<ReplicaOutput, String> {
    crate::spool::decode(payload)
}

/// Write `output` of `job` into the shard directory `dir`: a JSON header line, then
/// the [`encode_payload`] bytes, gzip at its best level, into a temporary file that is
/// flushed to disk and then renamed, so a kill leaves either no file or a whole one.
pub(crate) fn write_job(
    dir: &Path,
    job: Job,
    output: &ReplicaOutput,
    wall_ms: u64,
) -> Result<(), OutputError> {
    let path = job_path(dir, job);
    let encode = |message: String| OutputError::Encode {
        path: path.display().to_string(),
        message,
    };
    let payload = encode_payload(output).map_err(encode)?;
    let header = JobHeader {
        job,
        payload_fnv1a64: format!("{:016x}", stable_hash(&payload)),
        payload_bytes: payload.len() as u64,
        wall_ms,
    };
    let mut gz = GzEncoder::new(Vec::new(), Compression::best());
    serde_json::to_writer(&mut gz, &header).map_err(|e| encode(e.to_string()))?;
    gz.write_all(b"\n").map_err(io(&path))?;
    gz.write_all(&payload).map_err(io(&path))?;
    let bytes = gz.finish().map_err(io(&path))?;
    let parent = dir.join(JOBS_DIR);
    let mut builder = tempfile::Builder::new();
    builder.prefix(".partial-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let (mut temp, _listed) = Partial::create(&builder, &parent)?;
    temp.write_all(&bytes).map_err(io(&path))?;
    temp.as_file().sync_all().map_err(io(&path))?;
    temp.persist(&path).map_err(|e| io(&path)(e.error))?;
    Ok(())
}

/// The `.partial-*` job files being written now, and whether a signal handler has
/// removed them (then no new one may start): what [`remove_partial_jobs`] removes.
static PARTIAL: Mutex<(bool, Vec<PathBuf>)> = Mutex::new((false, Vec::new()));

/// Keep a `.partial-*` file listed in [`PARTIAL`] while it is being written.
struct Partial(PathBuf);

impl Partial {
    /// Create a temporary job file in `parent` and list it, unless the process is
    /// being interrupted.
    fn create(
        builder: &tempfile::Builder<'_, '_>,
        parent: &Path,
    ) -> Result<(tempfile::NamedTempFile, Partial), OutputError> {
        let mut partial = PARTIAL.lock().unwrap_or_else(|e| e.into_inner());
        if partial.0 {
            return Err(io(parent)(std::io::Error::new(
                std::io::ErrorKind::Interrupted,
                "interrupted",
            )));
        }
        let temp = builder.tempfile_in(parent).map_err(io(parent))?;
        let path = temp.path().to_path_buf();
        partial.1.push(path.clone());
        Ok((temp, Partial(path)))
    }
}

impl Drop for Partial {
    fn drop(&mut self) {
        let mut partial = PARTIAL.lock().unwrap_or_else(|e| e.into_inner());
        partial.1.retain(|p| p != &self.0);
    }
}

/// Remove the job files being written now and let no new one start: for a signal
/// handler that ends the process (SIGINT, SIGTERM) and so skips the destructors that
/// remove them. Jobs already renamed into place are whole and stay; a job being
/// written is lost and runs again when the shard is run again.
pub fn remove_partial_jobs() {
    let mut partial = PARTIAL.lock().unwrap_or_else(|e| e.into_inner());
    partial.0 = true;
    for path in partial.1.drain(..) {
        let _ = std::fs::remove_file(path);
    }
}

/// Read the header of `job`'s file in `dir` and check the payload against it; `Ok(None)`
/// when the file does not exist.
pub(crate) fn read_job_raw(dir: &Path, job: Job) -> Result<Option<(JobHeader, Vec<u8>)>, String> {
    let path = job_path(dir, job);
    let file = match std::fs::File::open(&path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e.to_string()),
    };
    let mut bytes = Vec::new();
    GzDecoder::new(file.take(MAX_JOB_BYTES))
        .take(MAX_JOB_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("not a whole gzip file ({e}); run its shard again"))?;
    if bytes.len() as u64 > MAX_JOB_BYTES {
        return Err(format!("larger than {MAX_JOB_BYTES} bytes uncompressed"));
    }
    let split = bytes
        .iter()
        .position(|&b| b == b'\n')
        .ok_or("no header line")?;
    let header: JobHeader = serde_json::from_slice(&bytes[..split])
        .map_err(|e| format!("header: not an s3sim job header: {e}"))?;
    if header.job != job {
        return Err(format!(
            "holds job (point {}, replica {}), expected (point {}, replica {})",
            header.job.point, header.job.replica, job.point, job.replica
        ));
    }
    let payload = bytes.split_off(split + 1);
    let hash = format!("{:016x}", stable_hash(&payload));
    if hash != header.payload_fnv1a64 || payload.len() as u64 != header.payload_bytes {
        return Err(format!(
            "checksum mismatch: the payload ({} bytes, FNV-1a {hash}) is not the one written ({} bytes, {}); it was changed after s3sim wrote it",
            payload.len(),
            header.payload_bytes,
            header.payload_fnv1a64
        ));
    }
    Ok(Some((header, payload)))
}

/// Read only the header of `job`'s file in `dir` (no checksum), or `None` when the file
/// is missing or its header unreadable: cheap enough for `s3sim status` on big runs.
pub(crate) fn read_header(dir: &Path, job: Job) -> Option<JobHeader> {
    use std::io::BufRead;
    let file = std::fs::File::open(job_path(dir, job)).ok()?;
    let mut line = Vec::new();
    std::io::BufReader::new(GzDecoder::new(file).take(1 << 16))
        .read_until(b'\n', &mut line)
        .ok()?;
    serde_json::from_slice::<JobHeader>(line.strip_suffix(b"\n")?)
        .ok()
        .filter(|h| h.job == job)
}

/// Read, check and decode `job`'s output from the shard directory `dir`, and check its
/// dimensions against `world`; `Ok(None)` when the job has no file yet.
pub(crate) fn read_job(
    dir: &Path,
    job: Job,
    world: &WorldConfig,
) -> Result<Option<ReplicaOutput>, String> {
    let Some((_, payload)) = read_job_raw(dir, job)? else {
        return Ok(None);
    };
    let output = decode_payload(&payload).map_err(|e| format!("payload: {e}"))?;
    check_shape(&output, world)?;
    Ok(Some(output))
}

/// Check that `output` has the dimensions a replica of `world` has: bins, bin width,
/// duration, one group per class plus `all`, one row per facility.
pub(crate) fn check_shape(output: &ReplicaOutput, world: &WorldConfig) -> Result<(), String> {
    let bins = world
        .duration
        .as_nanos()
        .div_ceil(world.bin.as_nanos().max(1))
        .max(1) as usize;
    let (m, f) = (&output.metrics, &output.facilities);
    let expect = |what: &str, found: String, wanted: String| {
        if found == wanted {
            Ok(())
        } else {
            Err(format!(
                "{what}: {found}, but the scenario gives {wanted}; the shard is not from this scenario or was edited"
            ))
        }
    };
    expect("metrics.bins", m.bins.to_string(), bins.to_string())?;
    expect(
        "metrics.groups",
        m.groups.to_string(),
        (world.classes.len() + 1).to_string(),
    )?;
    expect(
        "metrics.bin_width",
        format!("{:?}", m.bin_width),
        format!("{:?}", world.bin),
    )?;
    m.check_shape().map_err(|e| format!("metrics: {e}"))?;
    expect("facilities.bins", f.bins.to_string(), bins.to_string())?;
    expect(
        "facilities.bin_width",
        format!("{:?}", f.bin_width),
        format!("{:?}", world.bin),
    )?;
    expect(
        "facilities.duration",
        format!("{:?}", f.duration),
        format!("{:?}", world.duration),
    )?;
    expect(
        "facilities.servers",
        f.facilities().to_string(),
        world.topology.facilities.len().to_string(),
    )?;
    f.check_shape().map_err(|e| format!("facilities: {e}"))?;
    if output.issued != output.completed.saturating_add(output.in_flight) {
        return Err(format!(
            "issued {} != completed {} + in flight {}",
            output.issued, output.completed, output.in_flight
        ));
    }
    Ok(())
}

/// Read `shard.json` of `dir`; an error says what is wrong, and callers name the file.
pub(crate) fn read_manifest(dir: &Path) -> Result<ShardManifest, String> {
    let path = dir.join("shard.json");
    let text = s3sim_scenario::read_capped(&path, s3sim_scenario::MAX_SCENARIO_BYTES)
        .map_err(|e| e.to_string())?;
    serde_json::from_str(&text).map_err(|e| {
        format!(
            "not an s3sim shard manifest ({e}); shards written by another s3sim version must be run again"
        )
    })
}
