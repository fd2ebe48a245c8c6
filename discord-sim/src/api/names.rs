//! Looking names up by id and listing who and what is there, for the sandbox's display and help.

use super::SimHandle;

impl SimHandle {
    /// A user's name by id.
    pub fn user_name(&self, user_id: u64) -> Option<String> {
        self.read(|s| s.users.get(&user_id).map(|u| u.name.clone()))
    }

    /// A role's name by id, in whichever guild has it.
    pub fn role_name(&self, role_id: u64) -> Option<String> {
        self.read(|s| {
            s.guilds
                .values()
                .flat_map(|g| g.roles.iter())
                .find(|r| r.id == role_id)
                .map(|r| r.name.clone())
        })
    }

    /// The human members of every guild with their role names, in the spec's order.
    pub fn people(&self) -> Vec<(String, Vec<String>)> {
        self.read(|s| {
            s.guilds
                .values()
                .flat_map(|g| {
                    g.members.iter().filter_map(move |m| {
                        let user = s.users.get(&m.user_id).filter(|u| !u.bot)?;
                        let roles = g
                            .roles
                            .iter()
                            .filter(|r| m.roles.contains(&r.id))
                            .map(|r| r.name.clone())
                            .collect();
                        Some((user.name.clone(), roles))
                    })
                })
                .collect()
        })
    }

    /// Every guild channel and thread as `#name` or `#parent > thread`, in creation order.
    pub fn channel_labels(&self) -> Vec<String> {
        self.read(|s| {
            s.channels
                .values()
                .filter(|c| c.guild_id.is_some())
                .map(|c| s.channel_label(c.id))
                .collect()
        })
    }
}
