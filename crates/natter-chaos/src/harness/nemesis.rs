//! The faults, from a seeded schedule. Independent lanes run side by side, so faults overlap
//! (a node killed while NATS is down): one for the Natter nodes (SIGKILL then restart;
//! SIGSTOP for longer than the timeouts, then SIGCONT), one for the services (PostgreSQL
//! restarted, fast or as after a crash, or frozen with SIGSTOP for longer than the nodes'
//! database timeout; NATS restarted, stopped for seconds, or frozen with SIGSTOP), one for the
//! disk on SQLite (filled up, then freed), one that cuts clients off mid-request, and one for
//! the app backend's webhook receiver (refusing, or answering too late). Every
//! lane heals its fault before it stops.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use natter_chaos::history::{Event, Phase};
use tokio::sync::Mutex;

use super::nodes::Node;
use super::receiver::{Mode, Receiver};
use super::rng::Rng;
use super::services::{Nats, Postgres};
use super::world::{Stage, World};

/// A small filesystem of its own for the SQLite data dir, and a ballast file to fill it.
pub struct Disk {
    pub mount: PathBuf,
}

impl Disk {
    /// Mounts a tmpfs of `megabytes` at `mount`; `None` where this is not allowed (not root).
    pub fn mount(mount: PathBuf, megabytes: u32) -> Option<Self> {
        std::fs::create_dir_all(&mount).ok()?;
        let status = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={megabytes}m"), "tmpfs"])
            .arg(&mount)
            .stderr(std::process::Stdio::null())
            .status()
            .ok()?;
        status.success().then_some(Self { mount })
    }

    fn ballast(&self) -> PathBuf {
        self.mount.join("ballast")
    }

    /// Writes until the filesystem is full.
    fn fill(&self) {
        use std::io::Write;
        let Ok(mut file) = std::fs::File::create(self.ballast()) else {
            return;
        };
        let chunk = vec![0u8; 256 * 1024];
        while file.write_all(&chunk).is_ok() {}
        let _ = file.sync_all();
    }

    fn free(&self) {
        let _ = std::fs::remove_file(self.ballast());
    }
}

impl Drop for Disk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(&self.mount)
            .status();
    }
}

/// What the faults act on.
pub struct Infra {
    pub nodes: Vec<Mutex<Node>>,
    pub postgres: Option<Arc<Postgres>>,
    pub nats: Option<Arc<std::sync::Mutex<Nats>>>,
    pub disk: Option<Arc<Disk>>,
}

/// Sleeps, cut short when the run leaves the running stage; false when it did.
async fn hold(world: &World, duration: Duration) -> bool {
    let mut stage = world.stage.subscribe();
    tokio::select! {
        () = tokio::time::sleep(duration) => world.stage() == Stage::Running,
        _ = stage.wait_for(|stage| *stage != Stage::Running) => false,
    }
}

fn secs(rng: &mut Rng, low_ms: u64, high_ms: u64) -> Duration {
    Duration::from_millis(rng.between(low_ms, high_ms))
}

fn fault(world: &World, name: &str, phase: Phase) {
    world.recorder.record(Event::Fault {
        fault: name.to_owned(),
        phase,
    });
    if phase == Phase::Start {
        eprintln!(
            "  {:>6.1} s  fault: {name}",
            world.recorder.now() as f64 / 1000.0
        );
    }
}

/// Kills or (with `pauses`) pauses one node at a time.
pub async fn nodes(world: Arc<World>, infra: Arc<Infra>, mut rng: Rng, pauses: bool) {
    while hold(&world, secs(&mut rng, 2_000, 7_000)).await {
        let index = rng.below(infra.nodes.len() as u64) as usize;
        let mut node = infra.nodes[index].lock().await;
        if !pauses || rng.chance(55) {
            let name = format!("kill node{index}");
            fault(&world, &name, Phase::Start);
            node.kill().await;
            hold(&world, secs(&mut rng, 500, 4_000)).await;
            if let Err(error) = node.start(Duration::from_secs(120)).await {
                eprintln!("node{index} did not come back: {error:#}");
            }
            fault(&world, &name, Phase::End);
        } else {
            let name = format!("pause node{index}");
            fault(&world, &name, Phase::Start);
            node.pause();
            hold(&world, secs(&mut rng, 6_000, 12_000)).await;
            node.resume();
            fault(&world, &name, Phase::End);
        }
    }
}

/// Restarts PostgreSQL and NATS, or stops NATS for a while.
pub async fn services(world: Arc<World>, infra: Arc<Infra>, mut rng: Rng) {
    while hold(&world, secs(&mut rng, 4_000, 10_000)).await {
        let roll = rng.below(100);
        match (roll, &infra.postgres, &infra.nats) {
            (0..=14, Some(postgres), _) => {
                let name = "postgres-freeze";
                fault(&world, name, Phase::Start);
                if let Err(error) = postgres.signal_all("STOP") {
                    eprintln!("PostgreSQL was not frozen: {error}");
                }
                hold(&world, secs(&mut rng, 2_500, 8_000)).await;
                // Resumed even if stopping failed halfway, and even as the run ends.
                if let Err(error) = postgres.signal_all("CONT") {
                    eprintln!("PostgreSQL was not resumed: {error}");
                }
                fault(&world, name, Phase::End);
            }
            (15..=44, Some(postgres), _) => {
                let mode = if rng.chance(50) { "fast" } else { "immediate" };
                let name = format!("postgres-restart {mode}");
                fault(&world, &name, Phase::Start);
                let stopping = postgres.clone();
                let _ = tokio::task::spawn_blocking(move || stopping.stop(mode)).await;
                hold(&world, secs(&mut rng, 500, 4_000)).await;
                let starting = postgres.clone();
                for _ in 0..10 {
                    let starting = starting.clone();
                    match tokio::task::spawn_blocking(move || starting.start()).await {
                        Ok(Ok(())) => break,
                        other => eprintln!("PostgreSQL did not start again: {other:?}"),
                    }
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
                fault(&world, &name, Phase::End);
            }
            (45..=59, _, Some(nats)) => {
                let name = "nats-freeze";
                fault(&world, name, Phase::Start);
                if let Err(error) = nats.lock().expect("nats").signal("STOP") {
                    eprintln!("nats-server was not frozen: {error}");
                }
                hold(&world, secs(&mut rng, 3_000, 8_000)).await;
                if let Err(error) = nats.lock().expect("nats").signal("CONT") {
                    eprintln!("nats-server was not resumed: {error}");
                }
                fault(&world, name, Phase::End);
            }
            (60..=74, _, Some(nats)) => {
                let name = "nats-restart";
                fault(&world, name, Phase::Start);
                restart_nats(nats, Duration::ZERO).await;
                fault(&world, name, Phase::End);
            }
            (_, _, Some(nats)) => {
                let name = "nats-stop";
                fault(&world, name, Phase::Start);
                // Up to past the 10 s after which a node sends its devices to reconnect.
                let down = secs(&mut rng, 3_000, 16_000);
                nats.lock().expect("nats").stop();
                hold(&world, down).await;
                restart_nats(nats, Duration::ZERO).await;
                fault(&world, name, Phase::End);
            }
            _ => {}
        }
    }
}

async fn restart_nats(nats: &Arc<std::sync::Mutex<Nats>>, down: Duration) {
    nats.lock().expect("nats").stop();
    tokio::time::sleep(down).await;
    for _ in 0..10 {
        let nats = nats.clone();
        let started = tokio::task::spawn_blocking(move || nats.lock().expect("nats").start()).await;
        match started {
            Ok(Ok(())) => return,
            other => eprintln!("nats-server did not start again: {other:?}"),
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// Fills the SQLite node's filesystem, then frees it.
pub async fn disk(world: Arc<World>, infra: Arc<Infra>, mut rng: Rng) {
    let Some(disk) = infra.disk.clone() else {
        return;
    };
    while hold(&world, secs(&mut rng, 5_000, 12_000)).await {
        let name = "disk-full";
        fault(&world, name, Phase::Start);
        let filling = disk.clone();
        let _ = tokio::task::spawn_blocking(move || filling.fill()).await;
        hold(&world, secs(&mut rng, 2_000, 5_000)).await;
        disk.free();
        fault(&world, name, Phase::End);
    }
}

/// Now and then, for a second or three, some requests are cut off mid-way.
pub async fn clients(world: Arc<World>, mut rng: Rng) {
    while hold(&world, secs(&mut rng, 3_000, 8_000)).await {
        let name = "client-cutoff";
        fault(&world, name, Phase::Start);
        world.cutting.store(true, Ordering::Relaxed);
        hold(&world, secs(&mut rng, 1_000, 3_000)).await;
        world.cutting.store(false, Ordering::Relaxed);
        fault(&world, name, Phase::End);
    }
}

/// Now and then, for a few seconds, the app backend's webhook receiver refuses requests (500)
/// or answers them only after the nodes gave up waiting.
pub async fn backend(world: Arc<World>, receiver: Arc<Receiver>, mut rng: Rng) {
    while hold(&world, secs(&mut rng, 4_000, 12_000)).await {
        let (mode, name) = if rng.chance(50) {
            (Mode::Refuse, "webhook-refuse")
        } else {
            (Mode::Late, "webhook-late")
        };
        fault(&world, name, Phase::Start);
        receiver.set_mode(mode);
        hold(&world, secs(&mut rng, 1_000, 5_000)).await;
        receiver.set_mode(Mode::Take);
        fault(&world, name, Phase::End);
    }
}
