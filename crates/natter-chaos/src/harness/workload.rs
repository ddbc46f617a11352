//! The workload: workers that pick operations at random (seeded) until the run ends. Sends,
//! one-to-one and into groups, make most of it; then reads, deletions with and without
//! clearing the history, archiving and restoring, leaving and joining groups.

use std::sync::Arc;
use std::time::Duration;

use natter_chaos::history::{Call, channel_of};

use super::rng::Rng;
use super::world::{Stage, World};

pub async fn worker(world: Arc<World>, mut rng: Rng, id: usize) {
    let mut sent = 0u64;
    while world.stage() == Stage::Running {
        let call = pick(&world, &mut rng, id, &mut sent);
        let held = world.lock(&call).await;
        if world.stage() != Stage::Running {
            break;
        }
        world.run(call, &mut rng).await;
        drop(held);
        tokio::time::sleep(Duration::from_millis(rng.between(0, 120))).await;
    }
}

fn pick(world: &World, rng: &mut Rng, worker: usize, sent: &mut u64) -> Call {
    let uid = rng.pick(&world.users).clone();
    let others: Vec<&String> = world.all_users().filter(|other| **other != uid).collect();
    let (member_of, not_member_of): (Vec<String>, Vec<String>) = {
        let knowledge = world.knowledge.lock().expect("knowledge");
        world.groups.iter().cloned().partition(|group| {
            knowledge
                .members
                .get(group)
                .is_some_and(|members| members.contains(&uid))
        })
    };
    // A conversation of this user: one-to-one mostly, a group they belong to otherwise.
    let conversation = |rng: &mut Rng| -> String {
        if !member_of.is_empty() && rng.chance(35) {
            format!("GROUP{}", rng.pick(&member_of))
        } else {
            format!("C2C{}", rng.pick(&others))
        }
    };
    let roll = rng.below(100);
    match roll {
        0..=54 => {
            *sent += 1;
            // Now and then into a group the user has left: the server must refuse it.
            let conversation = if !not_member_of.is_empty() && rng.chance(3) {
                format!("GROUP{}", rng.pick(&not_member_of))
            } else {
                conversation(rng)
            };
            Call::Send {
                from: uid.clone(),
                conversation,
                client_msg_id: format!("w{worker}-{uid}-{sent}-{:x}", rng.next() & 0xffff),
                // A third through the user's WuKongIM device, the rest through the client API.
                wukongim: rng.chance(33).then(|| super::wukongim_device(&uid)),
            }
        }
        55..=66 => {
            let conversation = conversation(rng);
            let last = world
                .knowledge
                .lock()
                .expect("knowledge")
                .last_seq
                .get(&channel_of(&uid, &conversation))
                .copied()
                .unwrap_or(0);
            Call::Read {
                uid,
                conversation,
                seq: rng.between(last.saturating_sub(3).max(1), last.max(1)),
            }
        }
        67..=80 => {
            let device = format!("{uid}/{}", rng.below(2));
            let mut conversations = vec![conversation(rng)];
            if rng.chance(25) {
                let second = conversation(rng);
                if !conversations.contains(&second) {
                    conversations.push(second);
                }
            }
            let connection_id = world.devices[&device]
                .lock()
                .expect("device lock")
                .connection_id
                .clone()
                .filter(|_| rng.chance(80));
            Call::Delete {
                uid,
                device,
                connection_id,
                conversations,
                clear: rng.chance(50),
            }
        }
        81..=90 => {
            let conversation = conversation(rng);
            if rng.chance(55) {
                Call::Archive { uid, conversation }
            } else {
                Call::Unarchive { uid, conversation }
            }
        }
        _ => {
            let group = rng.pick(&world.groups).clone();
            if member_of.contains(&group) {
                Call::Leave { uid, group }
            } else {
                Call::Join { uid, group }
            }
        }
    }
}
