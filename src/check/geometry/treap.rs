//! An ordered sequence of ids (the status of a plane sweep, bottom to top) as a treap with
//! parent links: an id is removed, replaced or stepped from through its handle, without
//! comparing at a sweep position where the order may be moot. Ids are `0..capacity`; each
//! may be in the sequence at most once. Priorities are a fixed hash of the id, so runs are
//! reproducible and trees balanced in expectation (O(log n) per operation).

pub(crate) const NIL: u32 = u32::MAX;

#[derive(Clone, Copy)]
pub(crate) struct TreapNode<P = ()> {
    pub left: u32,
    pub right: u32,
    pub parent: u32,
    priority: u32,
    /// What the sweep keeps with an id (the chain sweep: its current edge), beside the links
    /// so that a comparison on the way down reads one place in memory, not two.
    pub payload: P,
}

/// A treap over edge ids with parent links, so an edge is removed and its neighbours found
/// through its handle, without comparing at a sweep position where the order may be moot.
pub(crate) struct Treap<P = ()> {
    pub nodes: Vec<TreapNode<P>>,
    pub root: u32,
}

impl<P: Copy + Default> Treap<P> {
    pub fn new(capacity: usize) -> Self {
        let nodes = (0..capacity as u32)
            .map(|i| TreapNode {
                left: NIL,
                right: NIL,
                parent: NIL,
                // A fixed hash: reproducible runs, balanced trees in expectation.
                priority: (i.wrapping_add(1)).wrapping_mul(0x9E37_79B9) ^ (i >> 7),
                payload: P::default(),
            })
            .collect();
        Treap { nodes, root: NIL }
    }

    /// Inserts `id`; `goes_below(t)` says whether `id` sorts before edge `t`.
    pub fn insert(&mut self, id: u32, mut goes_below: impl FnMut(u32) -> bool) {
        {
            let n = &mut self.nodes[id as usize];
            n.left = NIL;
            n.right = NIL;
            n.parent = NIL;
        }
        if self.root == NIL {
            self.root = id;
            return;
        }
        let mut at = self.root;
        loop {
            let below = goes_below(at);
            let child = if below {
                self.nodes[at as usize].left
            } else {
                self.nodes[at as usize].right
            };
            if child == NIL {
                if below {
                    self.nodes[at as usize].left = id;
                } else {
                    self.nodes[at as usize].right = id;
                }
                self.nodes[id as usize].parent = at;
                break;
            }
            at = child;
        }
        while let Some(parent) = self.parent(id) {
            if self.nodes[parent as usize].priority >= self.nodes[id as usize].priority {
                break;
            }
            self.rotate_up(id);
        }
    }

    pub fn remove(&mut self, id: u32) {
        loop {
            let TreapNode { left, right, .. } = self.nodes[id as usize];
            let child = match (left, right) {
                (NIL, NIL) => break,
                (l, NIL) => l,
                (NIL, r) => r,
                (l, r) => {
                    if self.nodes[l as usize].priority > self.nodes[r as usize].priority {
                        l
                    } else {
                        r
                    }
                }
            };
            self.rotate_up(child);
        }
        match self.parent(id) {
            None => self.root = NIL,
            Some(parent) => {
                let p = &mut self.nodes[parent as usize];
                if p.left == id {
                    p.left = NIL;
                } else {
                    p.right = NIL;
                }
            }
        }
        self.nodes[id as usize].parent = NIL;
    }

    /// Puts `new` (not in the sequence) where `old` is, and takes `old` out.
    pub fn replace(&mut self, old: u32, new: u32) {
        let node = self.nodes[old as usize];
        let new_priority = self.nodes[new as usize].priority;
        self.nodes[new as usize] = TreapNode {
            priority: new_priority,
            payload: self.nodes[new as usize].payload,
            ..node
        };
        for child in [node.left, node.right] {
            if child != NIL {
                self.nodes[child as usize].parent = new;
            }
        }
        if node.parent == NIL {
            self.root = new;
        } else if self.nodes[node.parent as usize].left == old {
            self.nodes[node.parent as usize].left = new;
        } else {
            self.nodes[node.parent as usize].right = new;
        }
        let priority = self.nodes[old as usize].priority;
        self.nodes[old as usize] = TreapNode {
            left: NIL,
            right: NIL,
            parent: NIL,
            priority,
            payload: self.nodes[old as usize].payload,
        };
        // Keep the heap order on priorities: sift `new` up or down.
        while let Some(parent) = self.parent(new) {
            if self.nodes[parent as usize].priority >= new_priority {
                break;
            }
            self.rotate_up(new);
        }
        loop {
            let TreapNode { left, right, .. } = self.nodes[new as usize];
            let child = match (left, right) {
                (NIL, NIL) => break,
                (l, NIL) => l,
                (NIL, r) => r,
                (l, r) => {
                    if self.nodes[l as usize].priority > self.nodes[r as usize].priority {
                        l
                    } else {
                        r
                    }
                }
            };
            if self.nodes[child as usize].priority <= new_priority {
                break;
            }
            self.rotate_up(child);
        }
    }

    /// Whether `id` is in the sequence.
    pub fn contains(&self, id: u32) -> bool {
        self.root == id || self.nodes[id as usize].parent != NIL
    }

    fn parent(&self, id: u32) -> Option<u32> {
        let p = self.nodes[id as usize].parent;
        (p != NIL).then_some(p)
    }

    /// Rotates `x` above its parent, keeping the in-order sequence.
    fn rotate_up(&mut self, x: u32) {
        let p = self.nodes[x as usize].parent;
        let g = self.nodes[p as usize].parent;
        if self.nodes[p as usize].left == x {
            let b = self.nodes[x as usize].right;
            self.nodes[p as usize].left = b;
            if b != NIL {
                self.nodes[b as usize].parent = p;
            }
            self.nodes[x as usize].right = p;
        } else {
            let b = self.nodes[x as usize].left;
            self.nodes[p as usize].right = b;
            if b != NIL {
                self.nodes[b as usize].parent = p;
            }
            self.nodes[x as usize].left = p;
        }
        self.nodes[p as usize].parent = x;
        self.nodes[x as usize].parent = g;
        if g == NIL {
            self.root = x;
        } else if self.nodes[g as usize].left == p {
            self.nodes[g as usize].left = x;
        } else {
            self.nodes[g as usize].right = x;
        }
    }

    pub fn next(&self, id: u32) -> u32 {
        let mut at = self.nodes[id as usize].right;
        if at != NIL {
            while self.nodes[at as usize].left != NIL {
                at = self.nodes[at as usize].left;
            }
            return at;
        }
        let mut child = id;
        let mut at = self.nodes[id as usize].parent;
        while at != NIL && self.nodes[at as usize].right == child {
            child = at;
            at = self.nodes[at as usize].parent;
        }
        at
    }

    pub fn prev(&self, id: u32) -> u32 {
        let mut at = self.nodes[id as usize].left;
        if at != NIL {
            while self.nodes[at as usize].right != NIL {
                at = self.nodes[at as usize].right;
            }
            return at;
        }
        let mut child = id;
        let mut at = self.nodes[id as usize].parent;
        while at != NIL && self.nodes[at as usize].left == child {
            child = at;
            at = self.nodes[at as usize].parent;
        }
        at
    }

    pub fn last(&self) -> u32 {
        let mut at = self.root;
        if at == NIL {
            return NIL;
        }
        while self.nodes[at as usize].right != NIL {
            at = self.nodes[at as usize].right;
        }
        at
    }

    /// The first edge for which the monotone predicate holds (false… false true… true).
    pub fn first_where(&self, mut holds: impl FnMut(u32) -> bool) -> u32 {
        let mut at = self.root;
        let mut found = NIL;
        while at != NIL {
            if holds(at) {
                found = at;
                at = self.nodes[at as usize].left;
            } else {
                at = self.nodes[at as usize].right;
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rng::Lcg;

    #[test]
    fn treap_keeps_order_under_random_inserts_and_removes() {
        let mut treap: Treap = Treap::new(1000);
        let mut keys: Vec<u32> = Vec::new();
        let mut rng = Lcg(12345);
        for round in 0..5000 {
            let id = rng.draw() % 1000;
            let present = keys.contains(&id);
            if present {
                treap.remove(id);
                keys.retain(|&k| k != id);
            } else {
                treap.insert(id, |t| id < t);
                keys.push(id);
                keys.sort_unstable();
            }
            if round % 97 == 0 {
                let mut walk = Vec::new();
                let mut at = NIL;
                if treap.root != NIL {
                    at = treap.root;
                    while treap.nodes[at as usize].left != NIL {
                        at = treap.nodes[at as usize].left;
                    }
                }
                while at != NIL {
                    walk.push(at);
                    at = treap.next(at);
                }
                assert_eq!(walk, keys);
                if let Some(&k) = keys.get(keys.len() / 2) {
                    assert_eq!(treap.first_where(|t| t >= k), k);
                    if keys.len() > 1 {
                        assert_eq!(treap.prev(k), keys[keys.len() / 2 - 1]);
                    }
                }
            }
        }
    }
}
