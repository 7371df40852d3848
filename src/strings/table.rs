//! Every text the feature shows or sends, by its `manager.strings` key, with its English
//! default: one line each. The template's keys come first, then this feature's own.

/// Writes the [`Text`] enum, `Text::ALL`, `key()` and `default_text()` from one list.
macro_rules! texts {
    ($($(#[$meta:meta])* $variant:ident = $key:literal => $default:expr),+ $(,)?) => {
        /// Every text the feature shows or sends.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Text {
            $($(#[$meta])* $variant),+
        }

        impl Text {
            pub const ALL: [Text; [$($key),+].len()] = [$(Text::$variant),+];

            /// The `manager.strings` key.
            pub const fn key(self) -> &'static str {
                match self {
                    $(Text::$variant => $key),+
                }
            }

            /// The English default.
            pub const fn default_text(self) -> &'static str {
                match self {
                    $(Text::$variant => $default),+
                }
            }
        }
    };
}

texts! {
    // The template's keys.
    FailedVideoLink = "PSFailedVideoLink" => "Unable to create the video room. Please try again.",
    VideoRoom = "PSChatToVideoRoom" => "Video Room",
    InviteMessage = "PSChatToVideoInviteMessage" => "Please join me using this unique video link: {{videoUrl}}",
    SwitchToVideo = "PSChatToVideoSwitchToVideo" => "Switch to Video",
    Connecting = "PSChatToVideoConnecting" => "Connecting...",
    JoinVideoRoom = "PSChatToVideoJoinVideoRoom" => "Join Video Room",
    Disconnect = "PSChatToVideoDisconnect" => "Disconnect",
    LocalParticipant = "PSChatToVideoLocalParticipant" => "Local Participant",
    RemoteParticipant = "PSChatToVideoRemoteParticipant" => "Remote Participant",
    StopCamera = "PSChatToVideoStopCamera" => "Stop Camera",
    StartCamera = "PSChatToVideoStartCamera" => "Start Camera",
    // This feature's own.
    Connected = "PSChatToVideoConnected" => "Connected to the video room.",
    Disconnected = "PSChatToVideoDisconnected" => "You have left the video room.",
    RoomEnded = "PSChatToVideoRoomEnded" => "The video room has ended.",
    ConnectionLost = "PSChatToVideoConnectionLost" => "The connection to the video room was lost. Check your network and join again.",
    AlreadyInAnotherRoom = "PSChatToVideoAlreadyInAnotherRoom" => "You are already in a video room on another task. Leave it first.",
    AlreadyInThisRoom = "PSChatToVideoAlreadyInThisRoom" => "You are already in this video room.",
    WrapupBlocked = "PSChatToVideoWrapupBlocked" => "Disconnect from the video room before wrapping up or completing this task.",
    NoVideoRoom = "PSChatToVideoNoVideoRoom" => "This task has no video room yet. Send a video link first.",
    TokenFailed = "PSChatToVideoTokenFailed" => "Unable to join the video room. Please try again.",
    MediaUnavailable = "PSChatToVideoMediaUnavailable" => "Video calls are not available in this build of the plugin.",
    DevicesUnavailable = "PSChatToVideoDevicesUnavailable" => "Camera or microphone unavailable. Check the browser's permissions and try again.",
    ConnectFailed = "PSChatToVideoConnectFailed" => "Unable to connect to the video room. Please try again.",
    Reconnecting = "PSChatToVideoReconnecting" => "Reconnecting...",
    JoinedElsewhere = "PSChatToVideoJoinedElsewhere" => "You joined this video room in another window or on another device, so you were disconnected here.",
    AccessExpired = "PSChatToVideoAccessExpired" => "Your access to the video room expired. Join again to continue.",
    AccessInvalid = "PSChatToVideoAccessInvalid" => "The video service did not accept your access to this room. Join again to retry.",
    RoomFull = "PSChatToVideoRoomFull" => "The video room is full.",
    RoomNotFound = "PSChatToVideoRoomNotFound" => "The video room no longer exists.",
    CustomerRating = "PSChatToVideoCustomerRating" => "Customer rating: {{rating}}/5",
    // The session's life, in the agent's tab.
    LinkExpired = "PSChatToVideoLinkExpired" => "The video link expired before the customer joined. Send a new link to try again.",
    SessionEnded = "PSChatToVideoSessionEnded" => "This video session has ended. Send a new link to start another.",
    SendNewLink = "PSChatToVideoSendNewLink" => "Send a new link",
    NewLinkSent = "PSChatToVideoNewLinkSent" => "A new link was sent to the customer.",
    EndForEveryone = "PSChatToVideoEndForEveryone" => "End call for everyone",
    CallSummary = "PSChatToVideoCallSummary" => "Video call: {{duration}}",
    CallNotStarted = "PSChatToVideoCallNotStarted" => "The video call did not start.",
    RatingReceived = "PSChatToVideoRatingReceived" => "The customer rated the video call.",
    WaitingForCustomer = "PSChatToVideoWaitingForCustomer" => "Waiting for the customer to join...",
    Customer = "PSChatToVideoCustomer" => "Customer",
    // The call's controls and what they announce (the tab and the customer page).
    Mute = "PSChatToVideoMute" => "Mute",
    Unmute = "PSChatToVideoUnmute" => "Unmute",
    ShareScreen = "PSChatToVideoShareScreen" => "Share screen",
    StopSharing = "PSChatToVideoStopSharing" => "Stop sharing",
    Leave = "PSChatToVideoLeave" => "Leave",
    BlurBackground = "PSChatToVideoBlurBackground" => "Blur background",
    StopBlur = "PSChatToVideoStopBlur" => "Stop blur",
    BlurHint = "PSChatToVideoBlurHint" => "Blur what is behind you; the other person sees you sharp and the room soft.",
    BlurFailed = "PSChatToVideoBlurFailed" => "Background blur could not start; your camera is shown as is. Try again later.",
    BlurStopped = "PSChatToVideoBlurStopped" => "Background blur stopped working; your camera is shown as is. You can turn blur on again.",
    PersonJoined = "PSChatToVideoPersonJoined" => "{{name}} joined the call.",
    PersonLeft = "PSChatToVideoPersonLeft" => "{{name}} left the call.",
    PersonBack = "PSChatToVideoPersonBack" => "{{name}} is back in the call.",
    PersonMuted = "PSChatToVideoPersonMuted" => "{{name}} muted their microphone.",
    PersonUnmuted = "PSChatToVideoPersonUnmuted" => "{{name}} unmuted their microphone.",
    PersonCameraOff = "PSChatToVideoPersonCameraOff" => "{{name}} turned their camera off.",
    PersonCameraOn = "PSChatToVideoPersonCameraOn" => "{{name}} turned their camera on.",
    PersonSharing = "PSChatToVideoPersonSharing" => "{{name}} is sharing their screen.",
    PersonStoppedSharing = "PSChatToVideoPersonStoppedSharing" => "{{name}} stopped sharing their screen.",
    PersonVideoFailed = "PSChatToVideoPersonVideoFailed" => "{{name}}'s video could not be received. Leave and join the call again to retry.",
    PersonAudioFailed = "PSChatToVideoPersonAudioFailed" => "{{name}}'s audio could not be received. Leave and join the call again to retry.",
    Muted = "PSChatToVideoMuted" => "Muted",
    CameraOff = "PSChatToVideoCameraOff" => "Camera off",
    MutedCameraOff = "PSChatToVideoMutedCameraOff" => "Muted, camera off",
    // The call screen's name, and what goes wrong with media (the tab and the customer page).
    VideoCall = "PSChatToVideoCall" => "Video call",
    CallControls = "PSChatToVideoCallControls" => "Call controls",
    BrowserUnsupported = "PSChatToVideoBrowserUnsupported" => "This browser does not support video calls. Please open the link in a current version of Chrome, Edge, Firefox or Safari.",
    InsecurePage = "PSChatToVideoInsecurePage" => "Video calls need a secure connection. Please open the link with https://.",
    DevicesRefused = "PSChatToVideoDevicesRefused" => "Camera and microphone access was refused. Please allow access in your browser and try again.",
    NoDevices = "PSChatToVideoNoDevices" => "No camera or microphone was found.",
    DevicesFailed = "PSChatToVideoDevicesFailed" => "The camera or microphone could not be started.",
    CallUnreachable = "PSChatToVideoCallUnreachable" => "Could not connect to the video call. Please check your internet connection and try again.",
    LibraryUnavailable = "PSChatToVideoLibraryUnavailable" => "The video library could not be loaded. Please try again.",
    CallError = "PSChatToVideoCallError" => "Something went wrong with the video connection. Please try again.",
    // The pre-join screen, devices and network quality.
    PreJoinAsking = "PSChatToVideoPreJoinAsking" => "Allow the browser to use your camera and microphone to see your preview.",
    PreJoinRefused = "PSChatToVideoPreJoinRefused" => "Camera and microphone access is blocked. Allow it in the browser's site settings, then select Try again, or join without them.",
    PreJoinNoCamera = "PSChatToVideoPreJoinNoCamera" => "No camera found: you will join with audio only.",
    PreJoinCameraFailed = "PSChatToVideoPreJoinCameraFailed" => "Your camera could not be started (another app may be using it): you will join with audio only.",
    PreJoinNoMicrophone = "PSChatToVideoPreJoinNoMicrophone" => "No microphone found: the others will not hear you. You can still join, muted.",
    PreJoinMicrophoneFailed = "PSChatToVideoPreJoinMicrophoneFailed" => "Your microphone could not be started (another app may be using it): the others will not hear you. You can still join, muted.",
    TryAgain = "PSChatToVideoTryAgain" => "Try again",
    JoinWithoutMicrophone = "PSChatToVideoJoinWithoutMicrophone" => "Join without microphone",
    JoinWithoutDevices = "PSChatToVideoJoinWithoutDevices" => "Join without camera and microphone",
    CameraChoice = "PSChatToVideoCameraChoice" => "Camera",
    MicrophoneChoice = "PSChatToVideoMicrophoneChoice" => "Microphone",
    SpeakerChoice = "PSChatToVideoSpeakerChoice" => "Speaker",
    MicrophoneLevel = "PSChatToVideoMicrophoneLevel" => "Microphone level",
    CameraNumbered = "PSChatToVideoCameraNumbered" => "Camera {{number}}",
    MicrophoneNumbered = "PSChatToVideoMicrophoneNumbered" => "Microphone {{number}}",
    SpeakerNumbered = "PSChatToVideoSpeakerNumbered" => "Speaker {{number}}",
    CameraSwitched = "PSChatToVideoCameraSwitched" => "Your camera was disconnected; switched to {{device}}.",
    MicrophoneSwitched = "PSChatToVideoMicrophoneSwitched" => "Your microphone was disconnected; switched to {{device}}.",
    SpeakerSwitched = "PSChatToVideoSpeakerSwitched" => "Your speaker was disconnected; switched to {{device}}.",
    CameraGone = "PSChatToVideoCameraGone" => "Your camera was disconnected and no other camera was found, so your camera is off.",
    MicrophoneGone = "PSChatToVideoMicrophoneGone" => "Your microphone was disconnected and no other microphone was found, so you are muted.",
    SpeakerGone = "PSChatToVideoSpeakerGone" => "Your speaker was disconnected; sound plays on the browser's default output.",
    DeviceSettings = "PSChatToVideoDeviceSettings" => "Devices",
    NetworkQualityUnknown = "PSChatToVideoNetworkQualityUnknown" => "Network quality: not measured yet",
    NetworkQuality0 = "PSChatToVideoNetworkQuality0" => "Network quality: 0 of 5 (connection broken, reconnecting)",
    NetworkQuality1 = "PSChatToVideoNetworkQuality1" => "Network quality: 1 of 5 (bad)",
    NetworkQuality2 = "PSChatToVideoNetworkQuality2" => "Network quality: 2 of 5 (below average)",
    NetworkQuality3 = "PSChatToVideoNetworkQuality3" => "Network quality: 3 of 5 (average)",
    NetworkQuality4 = "PSChatToVideoNetworkQuality4" => "Network quality: 4 of 5 (good)",
    NetworkQuality5 = "PSChatToVideoNetworkQuality5" => "Network quality: 5 of 5 (excellent)",
    NetworkQualityCut = "PSChatToVideoNetworkQualityCut" => "Connection lost: nothing has been received for a few seconds.",
    PopOutVideo = "PSChatToVideoPopOutVideo" => "Pop out video",
    PopInVideo = "PSChatToVideoPopInVideo" => "Return video",
}
