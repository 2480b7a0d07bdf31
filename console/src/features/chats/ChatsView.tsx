import { IncomingRequests } from './IncomingRequests.tsx';
import { MyChats } from './MyChats.tsx';
import { Conversation } from './Conversation.tsx';
import { StatusControl } from '../presence/StatusControl.tsx';
import { TeamPanel } from '../presence/TeamPanel.tsx';

/** Status, requests, the queue and the agent's chats on the left, the open conversation on the right. */
export function ChatsView() {
  return (
    <div class="chats-layout">
      <div class="chats-side">
        <StatusControl />
        <IncomingRequests />
        <MyChats />
        <TeamPanel />
      </div>
      <Conversation />
    </div>
  );
}
