// Symphonia
// Copyright (c) 2019-2026 The Project Symphonia Developers.
//
// This Source Code Form is subject to the terms of the Mozilla Public
// License, v. 2.0. If a copy of the MPL was not distributed with this
// file, You can obtain one at https://mozilla.org/MPL/2.0/.

//! Common metadata utilities.

pub mod id3v1;
pub mod id3v2;
pub mod images;
pub mod itunes;

pub(crate) mod base64;
pub(crate) mod std_tag;
